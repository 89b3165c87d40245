package objects

// AnnotationSpecHash on every object Navigator writes is the hash of the desired object, so
// that an unchanged object is never written again.
const AnnotationSpecHash = "navigator.dev/spec-hash"
