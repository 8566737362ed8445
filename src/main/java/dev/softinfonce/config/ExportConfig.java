package dev.softinfonce.config;

/** Where SavedModels go: {@code <dir>/<version>/saved_model.pb}, TF Serving's layout. */
public record ExportConfig(
    @Field(value = "savedmodels/default", help = "model base path (TF Serving --model_base_path)", path = true) String dir,
    @Field(value = "1", min = 1, help = "integer version folder") int version,
    @Field(value = "fp32", help = "SavedModel compute: fp32 | bf16 (mixed; inputs, outputs and embeddings fp32)")
        Precision precision) {}
