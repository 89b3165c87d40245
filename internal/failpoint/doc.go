// Package failpoint names the points between two non-atomic steps of Navigator's operations,
// where a crash or an error of the controller (or the pilot) must leave the cluster in a state
// the next pass can carry on from. Product code calls Inject at each of them.
//
// Failpoints are compiled in only with the build tag "failpoints"; in every other build Inject
// is an empty function the compiler inlines away, so a released binary carries none of this.
// With the tag, a failpoint does nothing until a test arms it (Arm, or the environment variable
// NAVIGATOR_FAILPOINTS for a whole process), and then fires once.
//
// The design and the sweep that drives every failpoint are in docs/design/0007-failpoints.md.
package failpoint
