package dev.softinfonce.distributed;

import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Scope;

/**
 * A {@link Scope} that places each op it builds on the current device of a {@link Placement}; every
 * scope derived from it ({@code withName}, {@code withInitScope}, …) shares that placement.
 */
final class PlacedScope implements Scope {
  private final Scope delegate;
  private final Placement placement;

  PlacedScope(Scope delegate, Placement placement) {
    this.delegate = delegate;
    this.placement = placement;
  }

  private Scope wrap(Scope s) {
    return new PlacedScope(s, placement);
  }

  @Override
  public ExecutionEnvironment env() {
    return delegate.env();
  }

  @Override
  public Scope withSubScope(String childScopeName) {
    return wrap(delegate.withSubScope(childScopeName));
  }

  @Override
  public Scope withName(String opName) {
    return wrap(delegate.withName(opName));
  }

  @Override
  public Scope withNameAsSubScope(String defaultName) {
    return wrap(delegate.withNameAsSubScope(defaultName));
  }

  @Override
  public Scope withDevice(DeviceSpec newDevice) {
    return delegate.withDevice(newDevice); // an explicit device wins, unwrapped
  }

  @Override
  public Scope withInitScope() {
    return wrap(delegate.withInitScope());
  }

  @Override
  public String makeOpName(String defaultName) {
    return delegate.makeOpName(defaultName);
  }

  @Override
  public String makeUnique(String id) {
    return delegate.makeUnique(id);
  }

  @Override
  public void refreshNames() {
    delegate.refreshNames();
  }

  @Override
  public Scope withControlDependencyOps(Iterable<Operation> controls) {
    return wrap(delegate.withControlDependencyOps(controls));
  }

  @Override
  public OperationBuilder apply(OperationBuilder builder) {
    delegate.apply(builder);
    String device = placement.device();
    return device == null || device.isEmpty() ? builder : builder.setDevice(device);
  }

  @Override
  public String getDeviceString() {
    String device = placement.device();
    return device == null ? delegate.getDeviceString() : device;
  }

  @Override
  public boolean isInit() {
    return delegate.isInit();
  }
}
