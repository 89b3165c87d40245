package workload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Hash is a short digest of v's JSON form. encoding/json sorts map keys, so equal values hash
// equally.
func Hash(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		// Only values that cannot be JSON (channels, functions) fail, and none is hashed here.
		panic(err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:8])
}
