namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// Which slice of each epoch's order one data-parallel worker serves (tf.data's <c>shard</c>, PyTorch's
/// <c>DistributedSampler</c>). Every worker computes the same (seed, epoch) permutation of all samples and keeps
/// its own contiguous block of it, so the workers' slices are disjoint and together hold every sample exactly once,
/// with no coordination. A remainder n % num_shards is spread over the first shards: shard sizes differ by at most
/// one, nothing is dropped or repeated.
/// </summary>
internal readonly record struct Sharding(int NumShards, int ShardIndex)
{
    public static readonly Sharding None = new(1, 0);

    /// <summary>Checks the flow arguments; across shards the permutation must be shared, so it needs a seed.</summary>
    public static Sharding Create(int numShards, int shardIndex, bool shuffle, int? seed)
    {
        if (numShards < 1)
        {
            throw new ArgumentException($"`num_shards` should be a positive integer (the number of workers). Received: {numShards}", "num_shards");
        }

        if (shardIndex < 0 || shardIndex >= numShards)
        {
            throw new ArgumentException(
                $"`shard_index` should be in [0, num_shards) = [0, {numShards}) (this worker's rank). Received: {shardIndex}", "shard_index");
        }

        if (numShards > 1 && shuffle && seed is null)
        {
            throw new ArgumentException(
                $"`num_shards` = {numShards} with `shuffle` needs a fixed `seed`, the same on every worker: without one each worker " +
                "draws its own permutation and the shards overlap. Pass seed=..., or shuffle=false.",
                "seed");
        }

        return new Sharding(numShards, shardIndex);
    }

    /// <summary>Where this shard's block starts in an epoch order of <paramref name="total"/> samples, and its length.</summary>
    public (int Start, int Count) SliceOf(int total)
    {
        if (NumShards > total && NumShards > 1)
        {
            throw new ArgumentException(
                $"`num_shards` = {NumShards} is more than the {total} samples to share: every shard needs at least one sample.", "num_shards");
        }

        int size = total / NumShards, remainder = total % NumShards;
        return ((ShardIndex * size) + Math.Min(ShardIndex, remainder), size + (ShardIndex < remainder ? 1 : 0));
    }

    /// <summary>This shard's part of epoch <paramref name="epoch"/>'s order over all <paramref name="total"/> samples.</summary>
    public int[] CreateOrder(int total, bool shuffle, long seed, long epoch)
    {
        var order = EpochOrder.Create(total, shuffle, seed, epoch);
        if (NumShards == 1)
        {
            return order;
        }

        var (start, count) = SliceOf(total);
        return order.AsSpan(start, count).ToArray();
    }
}
