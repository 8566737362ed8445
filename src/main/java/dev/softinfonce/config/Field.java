package dev.softinfonce.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Schema of one config key, declared on a record component. The YAML key is the component name in
 * snake_case ({@code batchSize} → {@code batch_size}).
 *
 * <p>The record is the schema: {@link ConfigParser} reads defaults, ranges and help text from here, so
 * the YAML file, {@code --set} overrides and {@link ExperimentConfig#builder()} share one validation
 * path.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Field {
  /** Default value as YAML text; {@code ""} with {@link #nullable()} means "unset". */
  String value();

  /** Inclusive lower bound for numbers. */
  double min() default Double.NEGATIVE_INFINITY;

  /** Inclusive upper bound for numbers. */
  double max() default Double.POSITIVE_INFINITY;

  /** Whether the lower bound is exclusive. */
  boolean minExclusive() default false;

  /** Whether the key may be left empty (null). */
  boolean nullable() default false;

  /** One line of help, shown by {@code config show --describe}. */
  String help() default "";

  /**
   * Whether the value is a file or folder. A config saved in a folder ({@link ExperimentConfig#toYaml(java.nio.file.Path)}:
   * a checkpoint, an export) writes such values relative to that folder, and reading it back resolves them
   * against the folder, so the folder can be moved or copied to another machine.
   */
  boolean path() default false;
}
