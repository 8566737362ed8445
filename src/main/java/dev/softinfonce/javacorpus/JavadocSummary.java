package dev.softinfonce.javacorpus;

import com.github.javaparser.ast.comments.JavadocComment;
import com.github.javaparser.javadoc.description.JavadocDescription;
import com.github.javaparser.javadoc.description.JavadocDescriptionElement;
import com.github.javaparser.javadoc.description.JavadocInlineTag;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query text of a method: the first paragraph of its Javadoc description, as plain text.
 *
 * <p>Rules (CodeSearchNet takes the docstring up to the first blank line; we do the same for Javadoc):
 * block tags ({@code @param}, {@code @return}, ...) are never part of it; the paragraph ends at a blank
 * line or at a block-level HTML element ({@code <p>}, {@code <ul>}, {@code <pre>}, {@code <table>},
 * headings, ...); inline tags are reduced to their text ({@code {@code x}} → {@code x},
 * {@code {@link Foo#bar(int) label}} → {@code label}, without a label → {@code Foo.bar(int)},
 * {@code {@inheritDoc}} → nothing); HTML tags are removed, entities decoded, whitespace collapsed.
 *
 * <p>It also reports what GraphCodeBERT filters out: a URL ({@code http://}, {@code https://},
 * {@code www.}) anywhere in the paragraph, and HTML-like leftovers — an element outside the simple inline
 * formatting set ({@code <img>}, {@code <script>}, {@code <iframe>}, ...) or an entity we cannot decode.
 *
 * @param text the cleaned first paragraph (may be empty)
 * @param hasUrl the paragraph contains a URL
 * @param hasHtml the paragraph contains HTML-like content that cleaning does not reduce to text
 */
public record JavadocSummary(String text, boolean hasUrl, boolean hasHtml) {
  private static final char OPEN = '\uE000';
  private static final char CLOSE = '\uE001';
  private static final String BLOCK_TAGS = "p|pre|ul|ol|li|dl|dt|dd|table|tr|td|th|h[1-6]|blockquote|div|hr|section|figure";
  private static final Pattern LEADING_BLOCK = Pattern.compile(
      "^(?:\\s*<\\s*/?\\s*(?:" + BLOCK_TAGS + ")\\b[^<>]*>)+", Pattern.CASE_INSENSITIVE);
  private static final Pattern PARAGRAPH_END = Pattern.compile(
      "\\n[ \\t\\x0B\\f]*\\n|<\\s*/?\\s*(?:" + BLOCK_TAGS + ")\\b[^<>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern TAG = Pattern.compile("<\\s*(/?)\\s*([A-Za-z][A-Za-z0-9]*)\\b[^<>]*>");
  /** Inline formatting that carries no content of its own: removed silently. */
  private static final Set<String> INLINE_TAGS = Set.of("a", "b", "i", "u", "s", "em", "strong", "code", "tt",
      "var", "sub", "sup", "br", "small", "big", "kbd", "samp", "cite", "dfn", "span", "font", "strike", "del",
      "ins", "abbr", "q", "mark", "nobr", "wbr");
  private static final Pattern URL = Pattern.compile("https?://|www\\.", Pattern.CASE_INSENSITIVE);
  private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]*);");
  private static final Map<String, String> ENTITIES = Map.ofEntries(
      Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("amp", "&"), Map.entry("quot", "\""),
      Map.entry("apos", "'"), Map.entry("nbsp", " "), Map.entry("ndash", "-"), Map.entry("mdash", "-"),
      Map.entry("hellip", "..."), Map.entry("lsquo", "'"), Map.entry("rsquo", "'"), Map.entry("ldquo", "\""),
      Map.entry("rdquo", "\""), Map.entry("times", "x"), Map.entry("le", "<="), Map.entry("ge", ">="),
      Map.entry("ne", "!="), Map.entry("middot", "."), Map.entry("bull", "*"), Map.entry("copy", "(c)"));

  /** Summarises a Javadoc comment as attached to a declaration by JavaParser. */
  public static JavadocSummary of(JavadocComment comment) {
    return of(comment.parse().getDescription());
  }

  /** Summarises a parsed Javadoc description (block tags are already separated out by JavaParser). */
  public static JavadocSummary of(JavadocDescription description) {
    // Inline tags become placeholders so paragraph and HTML rules only see the prose around them.
    StringBuilder prose = new StringBuilder();
    List<String> inline = new ArrayList<>();
    for (JavadocDescriptionElement element : description.getElements()) {
      if (element instanceof JavadocInlineTag tag) {
        String text = inlineText(tag);
        prose.append(OPEN).append(inline.size()).append(CLOSE);
        inline.add(text);
      } else {
        prose.append(element.toText());
      }
    }
    String text = prose.toString().replace("\r\n", "\n").replace('\r', '\n');
    text = LEADING_BLOCK.matcher(text).replaceFirst("");
    Matcher end = PARAGRAPH_END.matcher(text);
    if (end.find()) {
      text = text.substring(0, end.start());
    }
    // The tag check looks at the paragraph only: a URL or an image further down does not spoil it.
    boolean hasUrl = URL.matcher(text).find();
    boolean hasHtml = false;
    StringBuilder noTags = new StringBuilder();
    Matcher tag = TAG.matcher(text);
    int last = 0;
    while (tag.find()) {
      hasHtml |= !INLINE_TAGS.contains(tag.group(2).toLowerCase(Locale.ROOT));
      noTags.append(text, last, tag.start()).append(tag.group(2).equalsIgnoreCase("br") ? " " : "");
      last = tag.end();
    }
    noTags.append(text.substring(last));
    StringBuilder decoded = new StringBuilder();
    Matcher entity = ENTITY.matcher(noTags);
    last = 0;
    while (entity.find()) {
      String value = decodeEntity(entity.group(1));
      decoded.append(noTags, last, entity.start()).append(value == null ? entity.group() : value);
      hasHtml |= value == null;
      last = entity.end();
    }
    decoded.append(noTags.substring(last));
    // Placeholders back to their text, keeping inline-tag content verbatim (it may contain "<" legitimately).
    StringBuilder out = new StringBuilder();
    String d = decoded.toString();
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      int close = c == OPEN ? d.indexOf(CLOSE, i) : -1;
      if (close > 0) {
        out.append(inline.get(Integer.parseInt(d.substring(i + 1, close))));
        i = close;
      } else {
        out.append(c);
      }
    }
    String cleaned = out.toString().replaceAll("\\s+", " ").trim();
    return new JavadocSummary(cleaned, hasUrl || URL.matcher(cleaned).find(), hasHtml);
  }

  /** The text an inline tag stands for in rendered Javadoc. */
  static String inlineText(JavadocInlineTag tag) {
    String content = tag.getContent().trim();
    switch (tag.getName()) {
      case "inheritDoc", "docRoot":
        return "";
      case "link", "linkplain": {
        int depth = 0;
        int split = -1;
        for (int i = 0; i < content.length() && split < 0; i++) {
          char c = content.charAt(i);
          if (c == '(') {
            depth++;
          } else if (c == ')') {
            depth--;
          } else if (Character.isWhitespace(c) && depth == 0) {
            split = i;
          }
        }
        if (split > 0 && !content.substring(split).isBlank()) {
          return content.substring(split).trim();
        }
        String ref = split > 0 ? content.substring(0, split) : content;
        if (ref.startsWith("#")) {
          ref = ref.substring(1);
        }
        return ref.replace('#', '.');
      }
      default:
        return content;
    }
  }

  private static String decodeEntity(String body) {
    try {
      if (body.startsWith("#x") || body.startsWith("#X")) {
        return new String(Character.toChars(Integer.parseInt(body.substring(2), 16)));
      }
      if (body.startsWith("#")) {
        return new String(Character.toChars(Integer.parseInt(body.substring(1))));
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return ENTITIES.get(body);
  }
}
