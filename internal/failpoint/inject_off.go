//go:build !failpoints

package failpoint

import "context"

// Inject marks a failpoint. Without the failpoints build tag it does nothing.
func Inject(context.Context, Name) error { return nil }
