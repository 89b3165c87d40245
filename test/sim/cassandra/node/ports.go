package node

// JMXPort is the port nodetool reaches the node on: Cassandra's JMX port, which the simulator
// serves with its own admin endpoint, bound to 127.0.0.1 as LOCAL_JMX=yes binds JMX.
const JMXPort = 7199
