package dev.softinfonce.estimator;

import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Graph-side storage of {@link EmbeddingTables} for the cached trained-model estimator: two
 * non-trainable variables {@value #QUERY_TABLE} and {@value #CODE_TABLE} of shape {@code [N, D]},
 * plus the ops that fill them.
 *
 * <p>The tables are variables, not constants, so a large training set does not bloat the GraphDef. They
 * have no initializer: the session's automatic initialisation leaves them alone, and reading them before
 * {@link #load} fails with TensorFlow's "uninitialized value estimator.cache_query_table" instead of
 * silently scoring zeros (which would make every weight 1). Their names carry the estimator prefix, so
 * {@link RelevanceEstimator#isEstimatorVariable} keeps them out of gradients and optimizer slots; the
 * trainer should also leave them out of checkpoints (they are recomputed from the frozen model).
 *
 * <p>Lifecycle: build the graph with {@link #create}, open the session, call {@link #load} once (the
 * trainer or CLI does this, before the first step), then train.
 */
public final class EmbeddingCache {
  /** Name of the query-table variable. */
  public static final String QUERY_TABLE = "estimator.cache_query_table";
  /** Name of the code-table variable. */
  public static final String CODE_TABLE = "estimator.cache_code_table";
  /** Rows copied per session call by {@link #load}. */
  static final int LOAD_CHUNK_ROWS = 4096;

  private final long rows;
  private final long dim;
  private final Variable<TFloat32> queryTable;
  private final Variable<TFloat32> codeTable;
  private final Op allocateQuery;
  private final Op allocateCode;
  private final Placeholder<TInt32> rowIndex;
  private final Placeholder<TFloat32> queryRows;
  private final Placeholder<TFloat32> codeRows;
  private final Op scatterQuery;
  private final Op scatterCode;

  private EmbeddingCache(Ops tf, long rows, long dim) {
    this.rows = rows;
    this.dim = dim;
    Shape shape = Shape.of(rows, dim);
    queryTable = tf.withName(QUERY_TABLE).variable(shape, TFloat32.class);
    codeTable = tf.withName(CODE_TABLE).variable(shape, TFloat32.class);
    Ops s = tf.withSubScope("estimator_cache");
    Operand<TInt32> dims = s.constant(new int[] {(int) rows, (int) dim});
    allocateQuery = s.withName("allocate_query").assign(queryTable, s.zeros(dims, TFloat32.class));
    allocateCode = s.withName("allocate_code").assign(codeTable, s.zeros(dims, TFloat32.class));
    rowIndex = s.withName("row_index").placeholder(TInt32.class,
        Placeholder.shape(Shape.of(-1)));                                   // [k]
    queryRows = s.withName("query_rows").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, dim)));                              // [k, D]
    codeRows = s.withName("code_rows").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, dim)));                              // [k, D]
    scatterQuery = s.withName("load_query").scatterUpdate(queryTable, rowIndex, queryRows);
    scatterCode = s.withName("load_code").scatterUpdate(codeTable, rowIndex, codeRows);
  }

  /**
   * Creates the table variables and load ops in the training graph.
   *
   * @param tf ops of the training graph (its name scope should be the root)
   * @param rows N, the number of training examples
   * @param dim D, the frozen model's embedding size
   */
  public static EmbeddingCache create(Ops tf, long rows, long dim) {
    if (rows < 1 || dim < 1 || rows > Integer.MAX_VALUE || dim > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "embedding cache needs 1 <= rows, dim <= 2^31-1, got rows=" + rows + " dim=" + dim);
    }
    return new EmbeddingCache(tf, rows, dim);
  }

  /** The query table {@code [N, D]}. */
  public Operand<TFloat32> queryTable() {
    return queryTable;
  }

  /** The code table {@code [N, D]}. */
  public Operand<TFloat32> codeTable() {
    return codeTable;
  }

  /** N. */
  public long rows() {
    return rows;
  }

  /** D. */
  public long dim() {
    return dim;
  }

  /**
   * Fills both tables from {@code tables} (all rows), in chunks of {@value #LOAD_CHUNK_ROWS} rows.
   *
   * @throws IllegalArgumentException if the tables' shape differs from this cache's
   */
  public void load(Session session, EmbeddingTables tables) {
    if (tables.rows() != rows || tables.dim() != dim) {
      throw new IllegalArgumentException("embedding cache is [" + rows + ", " + dim
          + "] but the tables are [" + tables.rows() + ", " + tables.dim() + "]");
    }
    allocate(session);
    for (int from = 0; from < tables.rows(); from += LOAD_CHUNK_ROWS) {
      int to = Math.min(tables.rows(), from + LOAD_CHUNK_ROWS);
      loadRows(session, from, Arrays.copyOfRange(tables.query(), from, to),
          Arrays.copyOfRange(tables.code(), from, to));
    }
  }

  /** Allocates both tables as zeros; call once before {@link #loadRows}. */
  public void allocate(Session session) {
    session.runner().addTarget(allocateQuery).addTarget(allocateCode).run().close();
  }

  /**
   * Writes rows {@code from .. from+k-1} of both tables (streaming load for sets too large to hold
   * as {@link EmbeddingTables}); {@link #allocate} must have run.
   */
  public void loadRows(Session session, int from, float[][] query, float[][] code) {
    if (query.length != code.length) {
      throw new IllegalArgumentException("loadRows: " + query.length + " query rows but "
          + code.length + " code rows");
    }
    if (from < 0 || from + (long) query.length > rows) {
      throw new IllegalArgumentException("loadRows: rows " + from + ".." + (from + query.length - 1)
          + " outside the cache's " + rows + " rows");
    }
    if (query.length == 0) {
      return;
    }
    EmbeddingTables.checkRows(query, (int) dim, "query");
    EmbeddingTables.checkRows(code, (int) dim, "code");
    int[] index = new int[query.length];
    Arrays.setAll(index, k -> from + k);
    try (TInt32 idx = TInt32.vectorOf(index);
        TFloat32 q = TFloat32.tensorOf(StdArrays.ndCopyOf(query));
        TFloat32 c = TFloat32.tensorOf(StdArrays.ndCopyOf(code));
        Result ignored = session.runner().feed(rowIndex, idx).feed(queryRows, q).feed(codeRows, c)
            .addTarget(scatterQuery).addTarget(scatterCode).run()) {
      // targets only
    }
  }
}
