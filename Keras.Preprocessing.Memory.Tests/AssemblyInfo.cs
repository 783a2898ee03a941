// Test classes run side by side: nothing in the library is a process-wide test switch any more (tests inject
// ExecutionOptions and per-iterator settings instead; the default ExecutionOptions is set once, before any test,
// by Gpu/KernelDeviceLifetime so that "auto" never moves a test to a GPU). Classes that capture process-wide
// output (KerasWarnings' event, Console) or measure the process (RSS, wall time) are marked [DoNotParallelize]
// and run alone.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel)]
