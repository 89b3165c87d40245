package config

// kind is how Cassandra reads a property's value: its Java type in Config.java.
type kind int

const (
	kindAny      kind = iota // accepted as written: maps and lists the simulator ignores
	kindString               // String
	kindInt                  // int or Integer
	kindBool                 // boolean
	kindFloat                // double
	kindDuration             // 4.1+ DurationSpec, written "10s", "500ms"
	kindStorage              // 4.1+ DataStorageSpec, written "16MiB"
	kindRate                 // 4.1+ DataRateSpec, written "64MiB/s"
)

// property describes one cassandra.yaml setting: its kind and the releases that know it.
type property struct {
	kind kind
	// since is the first series that accepts the name (zero: every series).
	since Version
	// renamedTo is set on a pre-4.1 name (hints_flush_period_in_ms) that 4.1 replaced with a
	// unit-carrying one (hints_flush_period): 4.1 and 5.0 still accept the old name, with a
	// deprecation warning, and read its bare number in the old unit.
	renamedTo string
	// nullable marks properties whose default is null, which 4.0 lets a file set to null.
	nullable bool
}

// used are the settings the simulator interprets; their meaning is in Config.
var used = map[string]property{
	"cluster_name":           {kind: kindString},
	"num_tokens":             {kind: kindInt, nullable: true},
	"initial_token":          {kind: kindString, nullable: true},
	"partitioner":            {kind: kindString, nullable: true},
	"seed_provider":          {kind: kindAny, nullable: true},
	"listen_address":         {kind: kindString, nullable: true},
	"listen_interface":       {kind: kindString, nullable: true},
	"broadcast_address":      {kind: kindString, nullable: true},
	"rpc_address":            {kind: kindString, nullable: true},
	"rpc_interface":          {kind: kindString, nullable: true},
	"broadcast_rpc_address":  {kind: kindString, nullable: true},
	"storage_port":           {kind: kindInt},
	"native_transport_port":  {kind: kindInt},
	"endpoint_snitch":        {kind: kindString, nullable: true},
	"data_file_directories":  {kind: kindAny, nullable: true},
	"commitlog_directory":    {kind: kindString, nullable: true},
	"saved_caches_directory": {kind: kindString, nullable: true},
	"hints_directory":        {kind: kindString, nullable: true},
	"auto_bootstrap":         {kind: kindBool},
	"allocate_tokens_for_local_replication_factor": {kind: kindInt, nullable: true},
	"storage_compatibility_mode":                   {kind: kindString, since: V50},
}

// ignored are settings real configurations carry that the simulator accepts and does not
// interpret. The list follows the cassandra.yaml shipped with each series; it is not every
// property Config.java has, and a property missing here is refused as Cassandra refuses an
// unknown one.
var ignored = map[string]property{
	// Present under the same name in 4.0, 4.1 and 5.0.
	"hinted_handoff_enabled":                             {kind: kindBool},
	"max_hints_delivery_threads":                         {kind: kindInt},
	"authenticator":                                      {kind: kindAny},
	"authorizer":                                         {kind: kindAny},
	"role_manager":                                       {kind: kindAny},
	"network_authorizer":                                 {kind: kindAny},
	"cdc_enabled":                                        {kind: kindBool},
	"cdc_raw_directory":                                  {kind: kindString, nullable: true},
	"disk_failure_policy":                                {kind: kindString},
	"commit_failure_policy":                              {kind: kindString},
	"key_cache_save_period":                              {kind: kindAny},
	"row_cache_save_period":                              {kind: kindAny},
	"counter_cache_save_period":                          {kind: kindAny},
	"commitlog_sync":                                     {kind: kindString},
	"concurrent_reads":                                   {kind: kindInt},
	"concurrent_writes":                                  {kind: kindInt},
	"concurrent_counter_writes":                          {kind: kindInt},
	"concurrent_materialized_view_writes":                {kind: kindInt},
	"concurrent_materialized_view_builders":              {kind: kindInt},
	"memtable_allocation_type":                           {kind: kindString},
	"trickle_fsync":                                      {kind: kindBool},
	"ssl_storage_port":                                   {kind: kindInt},
	"start_native_transport":                             {kind: kindBool},
	"native_transport_allow_older_protocols":             {kind: kindBool},
	"incremental_backups":                                {kind: kindBool},
	"snapshot_before_compaction":                         {kind: kindBool},
	"auto_snapshot":                                      {kind: kindBool},
	"dynamic_snitch":                                     {kind: kindBool},
	"dynamic_snitch_badness_threshold":                   {kind: kindFloat},
	"server_encryption_options":                          {kind: kindAny},
	"client_encryption_options":                          {kind: kindAny},
	"internode_compression":                              {kind: kindString},
	"inter_dc_tcp_nodelay":                               {kind: kindBool},
	"tombstone_warn_threshold":                           {kind: kindInt},
	"tombstone_failure_threshold":                        {kind: kindInt},
	"unlogged_batch_across_partitions_warn_threshold":    {kind: kindInt},
	"audit_logging_options":                              {kind: kindAny},
	"full_query_logging_options":                         {kind: kindAny},
	"diagnostic_events_enabled":                          {kind: kindBool},
	"repaired_data_tracking_for_range_reads_enabled":     {kind: kindBool},
	"repaired_data_tracking_for_partition_reads_enabled": {kind: kindBool},
	"allocate_tokens_for_keyspace":                       {kind: kindString, nullable: true},
	"rpc_keepalive":                                      {kind: kindBool},
	"listen_on_broadcast_address":                        {kind: kindBool},
	"internode_authenticator":                            {kind: kindAny},
	"native_transport_max_threads":                       {kind: kindInt},
	"ideal_consistency_level":                            {kind: kindString, nullable: true},
	"automatic_sstable_upgrade":                          {kind: kindBool},
	"flush_compression":                                  {kind: kindString},
	"commitlog_compression":                              {kind: kindAny},
	"phi_convict_threshold":                              {kind: kindFloat},
	"streaming_connections_per_host":                     {kind: kindInt},
	"disk_optimization_strategy":                         {kind: kindString},
	"memtable_flush_writers":                             {kind: kindInt},
	"concurrent_compactors":                              {kind: kindInt},
	"compaction_large_partition_warning_threshold_mb":    {kind: kindInt},
	"transparent_data_encryption_options":                {kind: kindAny},
	"batchlog_endpoint_strategy":                         {kind: kindString, since: V50},
	"default_compaction":                                 {kind: kindAny, since: V50},
	"sstable":                                            {kind: kindAny, since: V50},
	"dynamic_data_masking_enabled":                       {kind: kindBool, since: V50},
	"memtable":                                           {kind: kindAny, since: V41},
	"crypto_provider":                                    {kind: kindAny, since: V50},

	// Renamed in 4.1 (CASSANDRA-15234): the old names stay accepted, with their old unit.
	"max_hint_window_in_ms":                                {kind: kindInt, renamedTo: "max_hint_window"},
	"hinted_handoff_throttle_in_kb":                        {kind: kindInt, renamedTo: "hinted_handoff_throttle"},
	"hints_flush_period_in_ms":                             {kind: kindInt, renamedTo: "hints_flush_period"},
	"max_hints_file_size_in_mb":                            {kind: kindInt, renamedTo: "max_hints_file_size"},
	"batchlog_replay_throttle_in_kb":                       {kind: kindInt, renamedTo: "batchlog_replay_throttle"},
	"roles_validity_in_ms":                                 {kind: kindInt, renamedTo: "roles_validity"},
	"permissions_validity_in_ms":                           {kind: kindInt, renamedTo: "permissions_validity"},
	"credentials_validity_in_ms":                           {kind: kindInt, renamedTo: "credentials_validity"},
	"prepared_statements_cache_size_mb":                    {kind: kindInt, renamedTo: "prepared_statements_cache_size", nullable: true},
	"key_cache_size_in_mb":                                 {kind: kindInt, renamedTo: "key_cache_size", nullable: true},
	"row_cache_size_in_mb":                                 {kind: kindInt, renamedTo: "row_cache_size"},
	"counter_cache_size_in_mb":                             {kind: kindInt, renamedTo: "counter_cache_size", nullable: true},
	"commitlog_sync_period_in_ms":                          {kind: kindInt, renamedTo: "commitlog_sync_period"},
	"commitlog_segment_size_in_mb":                         {kind: kindInt, renamedTo: "commitlog_segment_size"},
	"index_summary_capacity_in_mb":                         {kind: kindInt, renamedTo: "index_summary_capacity", nullable: true},
	"index_summary_resize_interval_in_minutes":             {kind: kindInt, renamedTo: "index_summary_resize_interval"},
	"trickle_fsync_interval_in_kb":                         {kind: kindInt, renamedTo: "trickle_fsync_interval"},
	"column_index_size_in_kb":                              {kind: kindInt, renamedTo: "column_index_size"},
	"column_index_cache_size_in_kb":                        {kind: kindInt, renamedTo: "column_index_cache_size"},
	"compaction_throughput_mb_per_sec":                     {kind: kindInt, renamedTo: "compaction_throughput"},
	"sstable_preemptive_open_interval_in_mb":               {kind: kindInt, renamedTo: "sstable_preemptive_open_interval"},
	"read_request_timeout_in_ms":                           {kind: kindInt, renamedTo: "read_request_timeout"},
	"range_request_timeout_in_ms":                          {kind: kindInt, renamedTo: "range_request_timeout"},
	"write_request_timeout_in_ms":                          {kind: kindInt, renamedTo: "write_request_timeout"},
	"counter_write_request_timeout_in_ms":                  {kind: kindInt, renamedTo: "counter_write_request_timeout"},
	"cas_contention_timeout_in_ms":                         {kind: kindInt, renamedTo: "cas_contention_timeout"},
	"truncate_request_timeout_in_ms":                       {kind: kindInt, renamedTo: "truncate_request_timeout"},
	"request_timeout_in_ms":                                {kind: kindInt, renamedTo: "request_timeout"},
	"slow_query_log_timeout_in_ms":                         {kind: kindInt, renamedTo: "slow_query_log_timeout"},
	"dynamic_snitch_update_interval_in_ms":                 {kind: kindInt, renamedTo: "dynamic_snitch_update_interval"},
	"dynamic_snitch_reset_interval_in_ms":                  {kind: kindInt, renamedTo: "dynamic_snitch_reset_interval"},
	"batch_size_warn_threshold_in_kb":                      {kind: kindInt, renamedTo: "batch_size_warn_threshold"},
	"batch_size_fail_threshold_in_kb":                      {kind: kindInt, renamedTo: "batch_size_fail_threshold"},
	"gc_warn_threshold_in_ms":                              {kind: kindInt, renamedTo: "gc_warn_threshold"},
	"max_value_size_in_mb":                                 {kind: kindInt, renamedTo: "max_value_size"},
	"stream_throughput_outbound_megabits_per_sec":          {kind: kindInt, renamedTo: "stream_throughput_outbound"},
	"inter_dc_stream_throughput_outbound_megabits_per_sec": {kind: kindInt, renamedTo: "inter_dc_stream_throughput_outbound"},
	"native_transport_max_frame_size_in_mb":                {kind: kindInt, renamedTo: "native_transport_max_frame_size"},
	"enable_user_defined_functions":                        {kind: kindBool, renamedTo: "user_defined_functions_enabled"},
	"enable_scripted_user_defined_functions":               {kind: kindBool, renamedTo: "scripted_user_defined_functions_enabled"},
	"enable_materialized_views":                            {kind: kindBool, renamedTo: "materialized_views_enabled"},
	"enable_sasi_indexes":                                  {kind: kindBool, renamedTo: "sasi_indexes_enabled"},
	"enable_transient_replication":                         {kind: kindBool, renamedTo: "transient_replication_enabled"},
}

// renamed are the 4.1 names of the settings above, with the kind their values take.
var renamed = map[string]kind{
	"max_hint_window":                         kindDuration,
	"hinted_handoff_throttle":                 kindStorage,
	"hints_flush_period":                      kindDuration,
	"max_hints_file_size":                     kindStorage,
	"batchlog_replay_throttle":                kindStorage,
	"roles_validity":                          kindDuration,
	"permissions_validity":                    kindDuration,
	"credentials_validity":                    kindDuration,
	"prepared_statements_cache_size":          kindStorage,
	"key_cache_size":                          kindStorage,
	"row_cache_size":                          kindStorage,
	"counter_cache_size":                      kindStorage,
	"commitlog_sync_period":                   kindDuration,
	"commitlog_segment_size":                  kindStorage,
	"index_summary_capacity":                  kindStorage,
	"index_summary_resize_interval":           kindDuration,
	"trickle_fsync_interval":                  kindStorage,
	"column_index_size":                       kindStorage,
	"column_index_cache_size":                 kindStorage,
	"compaction_throughput":                   kindRate,
	"sstable_preemptive_open_interval":        kindStorage,
	"read_request_timeout":                    kindDuration,
	"range_request_timeout":                   kindDuration,
	"write_request_timeout":                   kindDuration,
	"counter_write_request_timeout":           kindDuration,
	"cas_contention_timeout":                  kindDuration,
	"truncate_request_timeout":                kindDuration,
	"request_timeout":                         kindDuration,
	"slow_query_log_timeout":                  kindDuration,
	"dynamic_snitch_update_interval":          kindDuration,
	"dynamic_snitch_reset_interval":           kindDuration,
	"batch_size_warn_threshold":               kindStorage,
	"batch_size_fail_threshold":               kindStorage,
	"gc_warn_threshold":                       kindDuration,
	"max_value_size":                          kindStorage,
	"stream_throughput_outbound":              kindRate,
	"inter_dc_stream_throughput_outbound":     kindRate,
	"native_transport_max_frame_size":         kindStorage,
	"user_defined_functions_enabled":          kindBool,
	"scripted_user_defined_functions_enabled": kindBool,
	"materialized_views_enabled":              kindBool,
	"sasi_indexes_enabled":                    kindBool,
	"transient_replication_enabled":           kindBool,
}

// lookup returns how series v reads key, and whether v knows it at all.
func lookup(v Version, key string) (property, bool) {
	if p, ok := used[key]; ok {
		return p, v.AtLeast(p.since)
	}
	if p, ok := ignored[key]; ok {
		return p, v.AtLeast(p.since)
	}
	if k, ok := renamed[key]; ok {
		return property{kind: k, since: V41}, v.AtLeast(V41)
	}
	return property{}, false
}
