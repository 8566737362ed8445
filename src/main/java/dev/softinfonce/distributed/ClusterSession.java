package dev.softinfonce.distributed;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * A {@link Session} on a Java {@link Graph} that runs through a TF master ({@code grpc://host:port}), so
 * ops placed on {@code /job:worker/task:K} run in that worker's process.
 *
 * <p>TF Java 1.1 has no public way to give a session a target: {@code ConfigProto} holds no target,
 * and the private {@code Session.allocate(TF_Graph, String target, ConfigProto)} ignores its target.
 * This allocates as it does ({@code TF_SetConfig}, {@code TF_NewSession}) plus {@code TF_SetTarget},
 * on the Java graph's own handle, and wraps the handle with the package-private {@code Session(Graph,
 * TF_Session)}: the result is an ordinary {@code Session} (runner, save, restore, initialise).
 */
public final class ClusterSession {
  private ClusterSession() {}

  private static TF_Session allocate(TF_Graph graph, String target, ConfigProto config) {
    try (PointerScope scope = new PointerScope()) {
      TF_Status status = TF_Status.newStatus();
      TF_SessionOptions opts = TF_SessionOptions.newSessionOptions();
      byte[] bytes = config.toByteArray();
      BytePointer b = new BytePointer(bytes);
      TF_SetConfig(opts, b, b.capacity(), status);
      status.throwExceptionIfNotOK();
      TF_SetTarget(opts, target);
      TF_Session session = TF_Session.newSession(graph, opts, status);
      status.throwExceptionIfNotOK();
      session.retainReference(); // outlives the scope; Session.close deletes it
      return session;
    }
  }

  public static Session open(Graph g, String target, ConfigProto config) {
    try {
      Method ref = Graph.class.getDeclaredMethod("ref");
      ref.setAccessible(true);
      AutoCloseable reference = (AutoCloseable) ref.invoke(g);
      TF_Session handle;
      try {
        Method nativeHandle = reference.getClass().getDeclaredMethod("nativeHandle");
        nativeHandle.setAccessible(true);
        handle = allocate((TF_Graph) nativeHandle.invoke(reference), target, config);
      } finally {
        reference.close();
      }
      Constructor<Session> wrap = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
      wrap.setAccessible(true);
      return wrap.newInstance(g, handle);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(String.valueOf(cause), cause);
    } catch (Exception e) {
      throw new IllegalStateException("cannot open a TF session against " + target + ": " + e, e);
    }
  }
}
