package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Snitches the simulator models. Others exist in Cassandra (PropertyFileSnitch, the cloud
// snitches) and are refused here as the simulator's own limitation, not Cassandra's.
const (
	SimpleSnitch                = "org.apache.cassandra.locator.SimpleSnitch"
	GossipingPropertyFileSnitch = "org.apache.cassandra.locator.GossipingPropertyFileSnitch"
)

// otherSnitches are real Cassandra snitches the simulator does not model.
var otherSnitches = []string{
	"PropertyFileSnitch", "RackInferringSnitch", "Ec2Snitch", "Ec2MultiRegionSnitch",
	"GoogleCloudSnitch", "AlibabaCloudSnitch", "AzureSnitch", "CloudstackSnitch",
}

// checkPartitioner follows DatabaseDescriptor.applyPartitioner; a bare class name is taken from
// org.apache.cassandra.dht, as FBUtilities.newPartitioner does.
func checkPartitioner(c *Config, _ map[string]any) error {
	if c.Partitioner == "" {
		return configErr("Missing directive: partitioner")
	}
	name := c.Partitioner
	if !strings.Contains(name, ".") {
		name = "org.apache.cassandra.dht." + name
	}
	switch name {
	case Murmur3Partitioner:
		c.Partitioner = name
		return nil
	case "org.apache.cassandra.dht.RandomPartitioner", "org.apache.cassandra.dht.ByteOrderedPartitioner",
		"org.apache.cassandra.dht.OrderPreservingPartitioner":
		return fmt.Errorf("simulator limitation: only %s is modelled, not %s", Murmur3Partitioner, name)
	default:
		return configErr("Invalid partitioner class " + c.Partitioner)
	}
}

// checkAddresses follows DatabaseDescriptor.applyAddressConfig. Host names are not resolved: the
// model has no network, and resolving them is the node process's job.
func checkAddresses(c *Config, doc map[string]any) error {
	if c.ListenAddress != "" && str(doc, "listen_interface", "") != "" {
		return configErr("Set listen_address OR listen_interface, not both")
	}
	if wildcard(c.ListenAddress) {
		return configErr("listen_address cannot be a wildcard address (" + c.ListenAddress + ")!")
	}
	if wildcard(c.BroadcastAddress) {
		return configErr("broadcast_address cannot be a wildcard address (" + c.BroadcastAddress + ")!")
	}
	if c.RPCAddress != "" && str(doc, "rpc_interface", "") != "" {
		return configErr("Set rpc_address OR rpc_interface, not both")
	}
	if c.BroadcastRPCAddress != "" {
		if wildcard(c.BroadcastRPCAddress) {
			return configErr("broadcast_rpc_address can not be a wildcard address (" + c.BroadcastRPCAddress + ")!")
		}
	} else if wildcard(c.RPCAddress) {
		return configErr("If rpc_address is set to a wildcard address (" + c.RPCAddress + "), then you must set " +
			"broadcast_rpc_address to a value other than " + c.RPCAddress)
	}
	return nil
}

func wildcard(addr string) bool {
	ip := net.ParseIP(addr)
	return ip != nil && ip.IsUnspecified()
}

// checkSnitch follows DatabaseDescriptor.applySnitch: a bare class name is taken from
// org.apache.cassandra.locator.
func checkSnitch(c *Config, _ map[string]any) error {
	if c.EndpointSnitch == "" {
		return configErr("Missing endpoint_snitch directive")
	}
	name := c.EndpointSnitch
	if !strings.Contains(name, ".") {
		name = "org.apache.cassandra.locator." + name
	}
	switch name {
	case SimpleSnitch, GossipingPropertyFileSnitch:
		c.EndpointSnitch = name
		return nil
	}
	for _, s := range otherSnitches {
		if name == "org.apache.cassandra.locator."+s {
			return fmt.Errorf("simulator limitation: snitch %s is not modelled", name)
		}
	}
	return configErr(fmt.Sprintf("Unable to find snitch class '%s'", name))
}

// checkTokens follows DatabaseDescriptor.applyTokensConfig.
func checkTokens(c *Config, doc map[string]any) error {
	_, numTokensSet := doc["num_tokens"]
	if len(c.InitialTokens) > 0 {
		if !numTokensSet || doc["num_tokens"] == nil {
			switch {
			case len(c.InitialTokens) == 1:
				c.NumTokens = 1
			case c.Version.AtLeast(V50):
				return configErr("initial_token was set but num_tokens is not!")
			default:
				// Before 5.0 num_tokens is an int that defaults to 1.
				c.NumTokens = DefaultNumTokens
			}
		}
		if len(c.InitialTokens) != c.NumTokens {
			return configErr(fmt.Sprintf("The number of initial tokens (by initial_token) specified (%d) is different from num_tokens value (%d)",
				len(c.InitialTokens), c.NumTokens))
		}
		for _, t := range c.InitialTokens {
			// Murmur3Partitioner's token factory: Long.valueOf, whose NumberFormatException
			// message becomes the ConfigurationException's.
			if _, err := strconv.ParseInt(t, 10, 64); err != nil {
				return configErr(fmt.Sprintf("For input string: %q", t))
			}
		}
		return nil
	}
	if !numTokensSet || doc["num_tokens"] == nil {
		c.NumTokens = DefaultNumTokens
	}
	return nil
}
