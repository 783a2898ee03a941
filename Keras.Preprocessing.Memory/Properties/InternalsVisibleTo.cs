using System.Runtime.CompilerServices;

// The benchmarks measure internal engines directly (the executors, a single batch's kernels); the library's
// public surface stays what a Keras user needs (see docs/architecture.md). Tests, ILGPU's runtime assembly and
// the GPU bench are named in the project file.
[assembly: InternalsVisibleTo("KerasMemory.Bench")]
[assembly: InternalsVisibleTo("KerasMemory.FilesBench")]
