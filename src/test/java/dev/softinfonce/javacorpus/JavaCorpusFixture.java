package dev.softinfonce.javacorpus;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Three tiny libraries that exercise every corpus filter: {@code alpha} (a folder, train),
 * {@code beta.zip} (valid) and {@code gamma.zip} (test). Comments say what each method should become.
 */
final class JavaCorpusFixture {
  private JavaCorpusFixture() {}

  static final String STRINGS = """
      package org.example;

      import java.util.List;

      /** Utility methods on strings. */
      public class Strings {
        /** Creates a new helper with default settings. */
        public Strings() {
          super();
        }

        /**
         * Reverses the given {@code text} character by character.
         *
         * <p>Second paragraph is not part of the docstring.
         *
         * @param text the input
         * @return the reversed text
         */
        @SuppressWarnings("unused")
        public static String reverse(String text) {
          // a comment that code_tokens drop
          return new StringBuilder(text).reverse().toString();
        }

        /** Returns a readable description of this helper. */
        @Override
        public String toString() {
          return "Strings";
        }

        /** Returns the length of the given text. */
        public static int length(String text) { return text.length(); }

        /** Doubles it */
        public static int twice(int x) {
          return 2 * x;
        }

        /** Возвращает текст в верхнем регистре. */
        public static String upper(String text) {
          return text.toUpperCase();
        }

        /** Joins the parts; see <a href="https://example.org/join">the spec</a>. */
        public static String join(List<String> parts) {
          return String.join(",", parts);
        }

        /** Shows an image <img src="x.png"> of the value. */
        public static int image(int v) {
          return v;
        }

        /**
         * Counts the {@link java.util.List#size() elements} of a <b>list</b> &amp; <i>checks</i> {@literal a<b>} it.
         */
        public static int count(List<?> list) {
          return list.size();
        }

        public static int plusOne(int v) {
          return v + 1;
        }

        /** Returns the sum of both arguments. */
        public static int sum(int a, int b) {
          return a + b;
        }

        /** Makes a runner that does nothing. */
        public static Runnable runner() {
          return new Runnable() {
            /** Runs nothing at all here. */
            public void run() {
              System.out.println();
            }
          };
        }

        /** Helpers nested in the strings class. */
        static class Inner {
          /** Trims the given text on both sides. */
          String trim(String s) {
            return s.trim();
          }
        }
      }
      """;

  static final String SHAPE = """
      package org.example;

      /** A plane figure. */
      public interface Shape {
        /**
         * Computes the area of this shape
         * in square units.
         */
        double area(
            );

        /** Describes this shape in one line of text. */
        default String describe() {
          return "area " + area();
        }
      }
      """;

  static final String STRINGS_TEST = """
      package org.example;

      class StringsTest {
        /** Checks that reverse works on a word. */
        void reverseWorks() {
          Strings.reverse("abc");
        }
      }
      """;

  // Same tokens as Strings.reverse (other layout and comments): an exact duplicate.
  static final String TWIN = """
      package org.example;

      class Twin {
        /** Reverses the text once more for good measure. */
        @SuppressWarnings("unused")
        public static String reverse(String text) {
          /* another comment */ return new StringBuilder(text)
              .reverse().toString();
        }
      }
      """;

  // beta: Alpha.add has the same tokens as the gold Beta.add, so it must not enter the codebase.
  static final String BETA_ALPHA = """
      package com.beta;

      class Alpha {
        static int add(int a, int b) {
          return a + b;
        }
      }
      """;

  static final String BETA = """
      package com.beta;

      class Beta {
        /** Adds two numbers and returns the sum. */
        static int add(int a, int b) {
          return a + b;
        }

        static int sub(int a, int b) {
          return a - b;
        }

        /** Multiplies */
        static int mul(int a, int b) {
          return a * b;
        }

        /** Divides one number by another one. */
        static int div(int a, int b) { return a / b; }
      }
      """;

  static final String GAMMA = """
      package net.gamma;

      public class Gamma {
        /** Returns the sum of both arguments. */
        public static int sum(int a, int b) {
          return a + b;
        }

        int helper() {
          return 42;
        }
      }
      """;

  /** Writes alpha as a folder and beta, gamma as zips under {@code dir}. */
  static void write(Path dir) throws IOException {
    Path alpha = dir.resolve("alpha");
    write(alpha.resolve("org/example/Strings.java"), STRINGS);
    write(alpha.resolve("org/example/Shape.java"), SHAPE);
    write(alpha.resolve("org/example/StringsTest.java"), STRINGS_TEST);
    write(alpha.resolve("org/example/Twin.java"), TWIN);
    write(alpha.resolve("org/example/package-info.java"), "/** Docs. */\npackage org.example;\n");
    write(alpha.resolve("org/example/notes.txt"), "not java");
    Map<String, String> beta = new TreeMap<>();
    beta.put("com/beta/Beta.java", BETA);
    beta.put("com/beta/Alpha.java", BETA_ALPHA);
    zip(dir.resolve("beta.zip"), beta);
    zip(dir.resolve("gamma.zip"), Map.of("net/gamma/Gamma.java", GAMMA));
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** A zip with entries in reverse order, so the builder's own sorting is what makes the order. */
  static void zip(Path file, Map<String, String> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String name : new TreeMap<>(entries).descendingKeySet()) {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(entries.get(name).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }

  /** 1-based line of the first line of {@code text} containing {@code marker}. */
  static int lineOf(String text, String marker) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(marker)) {
        return i + 1;
      }
    }
    throw new AssertionError("marker not found: " + marker);
  }
}
