// Tests measure thread-safety and determinism themselves; running them side by side would only add noise.
[assembly: DoNotParallelize]
