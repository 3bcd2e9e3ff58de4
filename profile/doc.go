// Package profile reads CPU, memory and other profiles and diffs them
// function by function. It is the profile step of the pipeline: commands
// reads blobs (from files or from gitstore, which keeps them under a notes
// ref of their own), profile turns them into one aggregate per side and
// computes the differential result, which report renders. It knows nothing
// about git or the CLI.
//
// Two inputs are understood, auto-detected by Parse:
//
//   - pprof protobuf (gzipped or not, any sample types: cpu, heap, alloc,
//     block, mutex, goroutine …; legacy text formats that
//     github.com/google/pprof/profile understands are accepted too);
//   - collapsed ("folded") stacks, one `root;caller;leaf count` line per
//     stack, as written by the stackcollapse scripts, py-spy and
//     async-profiler. Blank lines and lines starting with '#' are skipped;
//     counts are non-negative integers; the stack is everything before the
//     last run of blanks, so frames may contain spaces.
//
// Both become the same compact form: a table of function names, a table of
// locations (each one or more frames, innermost first, as pprof inlining
// works) and samples that point into it. Aggregate reduces one sample type
// to flat and cumulative values per function name (cumulative counts a
// function once per stack, even under recursion). Diff normalises each side
// to its own total, as `pprof -normalize` does, so runs of different length
// compare; with per-op centres (a linked time-per-op metric) it splits the
// per-op change between functions. Flame merges the stacks of both sides
// into the tree a differential flame graph draws, and WriteFolded writes
// them as flamegraph.pl's differential folded input. The package renders
// nothing for people: report.ProfileText, ProfileJSON and FlameGraph do.
//
// Speed: the pprof path decodes the protobuf with a small structural decoder
// of its own (only sample types, samples, locations, functions, mappings and
// strings are interpreted; everything else is checked for well-formed wire
// encoding and skipped), indexing everything by dense integer ids. The full
// github.com/google/pprof/profile decoder runs only when a caller needs it:
// Bytes (the canonical gzipped encoding to store) and Merge. Bytes may
// therefore report an error that Parse did not (a bad label or comment index,
// say); record paths must call it before storing anything.
//
// Ownership: Parse keeps the data slice it is given (for Bytes) and does not
// modify it; a Profile is immutable after Parse or Merge and safe for
// concurrent readers.
package profile
