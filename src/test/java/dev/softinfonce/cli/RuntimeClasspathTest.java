package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher's runtime classpath ({@code target/classpath.txt}, written by {@code tools/softinfonce}) holds
 * no test-scope artifact of the pom (junit, the 83 MB MiniLM jar) nor anything of their groups.
 * {@code .ci/run} runs the launcher before the tests, so the file is there in CI.
 */
class RuntimeClasspathTest {
  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  /** {@code groupId/artifactId} of the pom's test-scope dependencies, as paths in a Maven repository. */
  static List<String> testScoped(String pom) {
    List<String> out = new ArrayList<>();
    Matcher m = DEPENDENCY.matcher(pom);
    while (m.find()) {
      String d = m.group(1);
      if (d.contains("<scope>test</scope>")) {
        out.add(tag(d, "groupId").replace('.', '/') + "/" + tag(d, "artifactId"));
      }
    }
    return out;
  }

  private static String tag(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">\\s*([^<]+?)\\s*</" + name + ">").matcher(xml);
    assertTrue(m.find(), "no <" + name + "> in " + xml);
    return m.group(1);
  }

  @Test
  void launcherAsksForRuntimeScopeAndItsClasspathHasNoTestArtifact() throws Exception {
    String launcher = Files.readString(Path.of("tools/softinfonce"));
    // maven-dependency-plugin 3.x reads includeScope; the old mdep.includeScope spelling is ignored silently
    assertTrue(launcher.contains("dependency:build-classpath") && launcher.contains(" -DincludeScope=runtime"), launcher);
    assertFalse(launcher.contains("-Dmdep.includeScope"), launcher);

    List<String> test = testScoped(Files.readString(Path.of("pom.xml")));
    assertTrue(test.contains("org/junit/jupiter/junit-jupiter"), test.toString());
    Path cp = Path.of("target/classpath.txt");
    if (Files.isRegularFile(cp)) { // written by the launcher (.ci/run runs it first)
      List<String> entries = Arrays.asList(Files.readString(cp).strip().split(java.io.File.pathSeparator));
      assertTrue(entries.stream().anyMatch(e -> e.contains("tensorflow-core-api")), entries.toString());
      for (String t : test) {
        String group = t.substring(0, t.lastIndexOf('/') + 1);
        assertEquals(List.of(), entries.stream().filter(e -> e.replace('\\', '/').contains("/" + group)).toList(),
            "test-scope " + t + " (or its group) on the runtime classpath");
      }
      assertEquals(List.of(), entries.stream().filter(e -> e.contains("opentest4j") || e.contains("junit")).toList());
    }
  }
}
