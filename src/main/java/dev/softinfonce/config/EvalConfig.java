package dev.softinfonce.config;

/** Retrieval evaluation as in the CodeXGLUE literature: rank the full pool, reciprocal rank 0 past a cut-off. */
public record EvalConfig(
    @Field(value = "64", min = 1, help = "sequences per encoder call") int batchSize,
    @Field(value = "4096", min = 1, help = "codes scored per chunk (bounded memory)") int chunkSize,
    @Field(value = "1000", min = 1, help = "reciprocal rank is 0 beyond this rank") int rankCutoff,
    @Field(value = "0", min = 0, help = "evaluate at most N queries (0 = all)") int maxQueries,
    @Field(value = "fp32", help = "encoder compute of eval, index, search and validation: fp32 | bf16 (mixed)")
        Precision precision) {}
