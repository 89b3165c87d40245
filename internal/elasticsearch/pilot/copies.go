package pilot

import (
	"context"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// shardCopies is GET _cat/shards, answered from the elected master's cluster state
// (RestShardsAction asks the master unless local=true).
func (c *client) shardCopies(ctx context.Context) ([]rest.ShardCopy, error) {
	var rows []rest.ShardCopy
	req := esapi.CatShardsRequest{Format: "json", H: rest.CopyColumns, MasterTimeout: masterTimeout}
	if err := c.do(ctx, req, &rows); err != nil {
		return nil, err
	}
	return rows, nil
}
