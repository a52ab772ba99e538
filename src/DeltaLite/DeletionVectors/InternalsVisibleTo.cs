using System.Runtime.CompilerServices;

// The deletion vector tests live in their own project for now (they check Z85 and CRC-32 directly).
[assembly: InternalsVisibleTo("DeltaLite.DeletionVectors.Tests")]
