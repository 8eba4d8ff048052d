namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>Runs <see cref="RelayedTransferTests"/> alone: one at a time and beside no other test,
/// since each 64 MiB transfer saturates the machine and loss recovery is timing-sensitive.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RelayedTransferCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "RelayedTransfer";
}
