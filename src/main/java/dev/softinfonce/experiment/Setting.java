package dev.softinfonce.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One config override from an experiment file, {@code key=value}, with the {@code file:line} it was
 * written on so that a bad key or value is reported there.
 *
 * <p>A value may hold references resolved when the run starts: {@code ${row:NAME}} is the best
 * checkpoint (chosen on valid) of row NAME trained with the same seed, {@code ${prerequisite:NAME}}
 * the best checkpoint of the prerequisite NAME, trained once per experiment.
 *
 * @param key dotted config key, e.g. {@code estimator.model}
 * @param value the value as written (a YAML scalar or flow list)
 * @param source where it was written, {@code file:line}
 */
public record Setting(String key, String value, String source) {
  /** {@code ${row:name}} or {@code ${prerequisite:name}}. */
  static final Pattern REFERENCE = Pattern.compile("\\$\\{(row|prerequisite):([^}]*)}");

  /** A reference found in a value. */
  public record Reference(Kind kind, String name) {}

  /** What a reference points at. */
  public enum Kind { ROW, PREREQUISITE }

  /** The {@code key=value} form read by {@code ConfigParser.overrides}. */
  public String override() {
    return key + "=" + value;
  }

  /** References in the value, in order. */
  public List<Reference> references() {
    List<Reference> refs = new ArrayList<>();
    Matcher m = REFERENCE.matcher(value);
    while (m.find()) {
      refs.add(new Reference(m.group(1).equals("row") ? Kind.ROW : Kind.PREREQUISITE, m.group(2)));
    }
    return refs;
  }

  /** This setting with every reference replaced by {@code resolver}'s answer. */
  public Setting resolve(java.util.function.Function<Reference, String> resolver) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      Reference r = new Reference(m.group(1).equals("row") ? Kind.ROW : Kind.PREREQUISITE, m.group(2));
      m.appendReplacement(sb, Matcher.quoteReplacement(resolver.apply(r)));
    }
    m.appendTail(sb);
    return new Setting(key, sb.toString(), source);
  }
}
