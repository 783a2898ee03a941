using Keras.Preprocessing.Memory.Iterators;

namespace Keras.Preprocessing.Memory.Tests.Iterators;

/// <summary>flow(num_shards, shard_index): disjoint, equally sized slices of one shared (seed, epoch) permutation.</summary>
[TestClass]
public sealed class ShardingTests
{
    [TestMethod]
    [DataRow(23, 4, true)]
    [DataRow(24, 4, true)]
    [DataRow(23, 4, false)]
    [DataRow(7, 7, true)]
    [DataRow(100, 3, true)]
    public void ShardsAreDisjointAndTogetherAreTheEpoch(int n, int shards, bool shuffle)
    {
        using var x = TestImages.Indexed(n);
        var generator = new ImageDataGenerator();
        using var whole = generator.flow(x, batch_size: 5, shuffle: shuffle, seed: 42);
        var epochOrder = whole.index_array;

        var seen = new List<int>();
        var sizes = new List<int>();
        var concatenated = new List<int>();
        for (int k = 0; k < shards; k++)
        {
            using var shard = generator.flow(x, batch_size: 5, shuffle: shuffle, seed: 42, num_shards: shards, shard_index: k);
            concatenated.AddRange(shard.index_array);
            var samples = EpochSamples(shard);
            seen.AddRange(samples);
            sizes.Add(samples.Length);
            Assert.AreEqual(shards, shard.num_shards);
            Assert.AreEqual(k, shard.shard_index);
            Assert.AreEqual(samples.Length, shard.n);
        }

        Assert.HasCount(n, seen, "every sample once: no padding, no drops");
        CollectionAssert.AreEquivalent(Enumerable.Range(0, n).ToArray(), seen.ToArray(), "pairwise disjoint and complete");
        Assert.IsLessThanOrEqualTo(1, sizes.Max() - sizes.Min(), "shard sizes differ by at most one");
        CollectionAssert.AreEqual(sizes.OrderByDescending(s => s).ToArray(), sizes.ToArray(), "the remainder goes to the first shards");
        CollectionAssert.AreEqual(epochOrder, concatenated.ToArray(), "shards are consecutive blocks of the unsharded epoch's order");
    }

    [TestMethod]
    public void ShardsAreStableAcrossRunsAndChangeEveryEpoch()
    {
        using var x = TestImages.Indexed(40);
        var generator = new ImageDataGenerator();
        using var run1 = generator.flow(x, batch_size: 4, seed: 7, num_shards: 4, shard_index: 2);
        using var run2 = generator.flow(x, batch_size: 4, seed: 7, num_shards: 4, shard_index: 2);

        var epoch0 = EpochSamples(run1);
        CollectionAssert.AreEqual(epoch0, EpochSamples(run2), "the same seed gives every worker the same slice");

        // EpochSamples ended epoch 0 through the enumerator; the next epoch has a fresh permutation.
        var epoch1 = EpochSamples(run1);
        CollectionAssert.AreNotEqual(epoch0, epoch1, "epochs differ");
        CollectionAssert.AreNotEquivalent(epoch0, epoch1, "a shard's sample set is redrawn each epoch");

        // next() walks the same slices as the indexer.
        using var walker = generator.flow(x, batch_size: 4, seed: 7, num_shards: 4, shard_index: 2);
        var walked = new List<int>();
        for (int i = 0; i < 2 * walker.len; i++)
        {
            using var batch = walker.next();
            walked.AddRange(batch.index_array);
        }

        CollectionAssert.AreEqual(epoch0.Concat(epoch1).ToArray(), walked.ToArray());
    }

    [TestMethod]
    public void EpochsOfAllShardsCoverTheDataEveryEpoch()
    {
        using var x = TestImages.Indexed(17);
        var generator = new ImageDataGenerator();
        var iterators = Enumerable.Range(0, 3).Select(k => generator.flow(x, batch_size: 3, seed: 9, num_shards: 3, shard_index: k)).ToArray();
        try
        {
            for (int epoch = 0; epoch < 3; epoch++)
            {
                var all = iterators.SelectMany(EpochSamples).ToArray();
                CollectionAssert.AreEquivalent(Enumerable.Range(0, 17).ToArray(), all, $"epoch {epoch}");
            }
        }
        finally
        {
            foreach (var it in iterators)
            {
                it.Dispose();
            }
        }
    }

    [TestMethod]
    public void ASampleIsAugmentedTheSameWhicheverShardServesIt()
    {
        using var x = TestImages.RandomUInt8(12, 6, 6, 3, seed: 1);
        var generator = new ImageDataGenerator(rotation_range: 30, horizontal_flip: true, zoom_range: 0.2);
        using var whole = generator.flow(x, batch_size: 12, seed: 5);
        using var all = whole.next();
        var reference = new Dictionary<int, float[]>();
        var flat = all.AsSpan().ToArray();
        for (int i = 0; i < all.Count; i++)
        {
            reference[all.index_array[i]] = flat.AsSpan(i * 108, 108).ToArray();
        }

        using var shard = generator.flow(x, batch_size: 12, seed: 5, num_shards: 5, shard_index: 3);
        using var part = shard.next();
        var partFlat = part.AsSpan().ToArray();
        for (int i = 0; i < part.Count; i++)
        {
            CollectionAssert.AreEqual(reference[part.index_array[i]], partFlat.AsSpan(i * 108, 108).ToArray(), $"sample {part.index_array[i]}");
        }
    }

    [TestMethod]
    public void ShardingSplitsTheChosenSubset()
    {
        using var x = TestImages.Indexed(20);
        var generator = new ImageDataGenerator(validation_split: 0.25);
        var seen = new List<float>();
        for (int k = 0; k < 2; k++)
        {
            using var shard = generator.flow(x, batch_size: 4, seed: 3, subset: "training", num_shards: 2, shard_index: k);
            foreach (var batch in shard)
            {
                using (batch)
                {
                    seen.AddRange(batch.AsSpan().ToArray().Where((_, i) => i % 4 == 0));
                }
            }
        }

        CollectionAssert.AreEquivalent(Enumerable.Range(5, 15).Select(i => (float)i).ToArray(), seen.ToArray());
    }

    [TestMethod]
    public void InvalidShardArgumentsNameTheParameter()
    {
        using var x = TestImages.Indexed(8);
        var generator = new ImageDataGenerator();

        Assert.AreEqual("num_shards", Assert.ThrowsExactly<ArgumentException>(() => generator.flow(x, seed: 1, num_shards: 0)).ParamName);
        Assert.AreEqual("shard_index", Assert.ThrowsExactly<ArgumentException>(() => generator.flow(x, seed: 1, num_shards: 2, shard_index: 2)).ParamName);
        Assert.AreEqual("shard_index", Assert.ThrowsExactly<ArgumentException>(() => generator.flow(x, seed: 1, num_shards: 2, shard_index: -1)).ParamName);
        Assert.AreEqual("num_shards", Assert.ThrowsExactly<ArgumentException>(() => generator.flow(x, seed: 1, num_shards: 9)).ParamName);
        Assert.AreEqual("shard_index", Assert.ThrowsExactly<ArgumentException>(() => generator.flow([x], seed: 1, num_shards: 3, shard_index: 5)).ParamName);
    }

    [TestMethod]
    public void ShufflingAcrossShardsNeedsASeed()
    {
        using var x = TestImages.Indexed(8);
        var generator = new ImageDataGenerator();

        var error = Assert.ThrowsExactly<ArgumentException>(() => generator.flow(x, num_shards: 2, shard_index: 1));

        Assert.AreEqual("seed", error.ParamName);
        Assert.Contains("seed", error.Message);
        using var unshuffled = generator.flow(x, shuffle: false, num_shards: 2, shard_index: 1);
        CollectionAssert.AreEqual(new[] { 4, 5, 6, 7 }, unshuffled.index_array);
        using var single = generator.flow(x, num_shards: 1);
        Assert.AreEqual(8, single.n);
    }

    /// <summary>The samples one epoch of the iterator holds, walked as Keras's fit walks a Sequence (which then ends the epoch).</summary>
    private static int[] EpochSamples(NumpyArrayIterator iterator)
    {
        var samples = new List<int>();
        foreach (var batch in iterator)
        {
            using (batch)
            {
                samples.AddRange(batch.index_array);
            }
        }

        return [.. samples];
    }
}
