<#
.SYNOPSIS
Counts (and with -List names) the public types of the built assemblies: the engine's, Signaling's
and the module's public surface (issue 10). Reads metadata only; nothing is loaded.
.EXAMPLE
dotnet pwsh -NoProfile -File tools/Measure-PublicSurface.ps1 -List
#>
param(
    [string]$Configuration = 'Release',
    [switch]$List
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$bin = Join-Path $root "src/WebRtcPS/bin/$Configuration/net10.0"
$vis = [System.Reflection.TypeAttributes]::VisibilityMask
$public = [System.Reflection.TypeAttributes]::Public
$nestedPublic = [System.Reflection.TypeAttributes]::NestedPublic
foreach ($name in 'WebRtcPS.Engine', 'WebRtcPS.Signaling', 'WebRtcPS') {
    $path = Join-Path $bin "$name.dll"
    if (-not (Test-Path $path)) { throw "$path not found: build the solution ($Configuration) first" }
    $stream = [IO.File]::OpenRead($path)
    try {
        $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
        $md = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
        $types = foreach ($handle in $md.TypeDefinitions) {
            # A type is public when it and every type it is nested in are public.
            $t = $md.GetTypeDefinition($handle)
            $full = $md.GetString($t.Name)
            $ok = ($t.Attributes -band $vis) -in $public, $nestedPublic
            while ($ok -and -not $t.GetDeclaringType().IsNil) {
                $t = $md.GetTypeDefinition($t.GetDeclaringType())
                $ok = ($t.Attributes -band $vis) -in $public, $nestedPublic
                $full = $md.GetString($t.Name) + '+' + $full
            }
            if ($ok) { $md.GetString($t.Namespace) + '.' + $full }
        }
        '{0}: {1} public types' -f $name, @($types).Count
        if ($List) { $types | Sort-Object | ForEach-Object { "  $_" } }
    }
    finally { $stream.Dispose() }
}
