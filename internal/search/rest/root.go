package rest

// Root is the part of GET / the pilots read.
type Root struct {
	ClusterUUID string `json:"cluster_uuid"`
	Version     struct {
		Number string `json:"number"`
	} `json:"version"`
}

// FormedUUID is GET /'s cluster_uuid, empty until the cluster has formed ("_na_").
func (r *Root) FormedUUID() string {
	if r.ClusterUUID == "_na_" {
		return ""
	}
	return r.ClusterUUID
}
