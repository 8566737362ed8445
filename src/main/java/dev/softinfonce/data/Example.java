package dev.softinfonce.data;

/**
 * One record as the rest of the system sees it: a natural-language query and the code it describes.
 *
 * <p>This is the data package's contract with text, train and eval; its shape is fixed.
 *
 * @param url the gold / matching id: CodeSearchNet {@code url}, CoSQA {@code retrieval_idx} as a string
 * @param query {@code docstring_tokens} joined by a single space (CoSQA: {@code doc}); "" for codebase entries
 *     that have no docstring
 * @param code the code text chosen by {@code data.code_field} ({@code code_tokens} joined by a space,
 *     {@code code} or {@code original_string})
 * @param language the record's {@code language} ("" when the record has none; CoSQA is "python")
 * @param source {@code file:line} of the record, for messages
 */
public record Example(String url, String query, String code, String language, String source) {}
