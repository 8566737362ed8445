package dev.softinfonce.data;

import dev.softinfonce.config.DataConfig;
import dev.softinfonce.config.DataConfig.BadRecordPolicy;
import dev.softinfonce.config.DataConfig.CodeField;
import java.util.Objects;

/**
 * The reader settings taken from {@link DataConfig}: which field is the code text and what to do with
 * a bad record.
 *
 * @param codeField which record field supplies the code text
 * @param onBadRecord fail on the first bad record, or skip it and count it in the {@link ReadReport}
 */
public record ReadOptions(CodeField codeField, BadRecordPolicy onBadRecord) {

  public ReadOptions {
    Objects.requireNonNull(codeField, "codeField");
    Objects.requireNonNull(onBadRecord, "onBadRecord");
  }

  /** The settings of {@code data.code_field} and {@code data.on_bad_record}. */
  public static ReadOptions from(DataConfig data) {
    return new ReadOptions(data.codeField(), data.onBadRecord());
  }

  /** {@code code_tokens}, fail on bad records: the defaults of the config schema. */
  public static ReadOptions defaults() {
    return new ReadOptions(CodeField.CODE_TOKENS, BadRecordPolicy.FAIL);
  }

  /** The same options with another bad-record policy. */
  public ReadOptions withOnBadRecord(BadRecordPolicy policy) {
    return new ReadOptions(codeField, policy);
  }

  boolean skipBad() {
    return onBadRecord == BadRecordPolicy.SKIP;
  }
}
