package pipeline

import (
	"fmt"
	"net"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Topic names.
const (
	TopicInteractions = "zhijian.interactions"
	TopicDLQ          = "zhijian.interactions.dlq"
	TopicResults      = "zhijian.results"
)

// Broker is the embedded Kafka broker: a real Kafka-protocol server in
// this process, for single-machine use and tests.
type Broker struct {
	cluster *kfake.Cluster
}

// BrokerConfig configures the embedded broker.
type BrokerConfig struct {
	// Addr is the loopback address to listen on; port 0 picks a free one.
	Addr string
	// Partitions of each topic the broker creates.
	Partitions int32
	// DataDir keeps the broker's log across restarts; empty keeps it in memory.
	DataDir string
}

// StartBroker starts the embedded broker with the pipeline's topics.
func StartBroker(c BrokerConfig) (*Broker, error) {
	addr := c.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("embedded broker address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("embedded broker address %q: must be a loopback address", addr)
	}
	partitions := c.Partitions
	if partitions <= 0 {
		partitions = 4
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.SeedTopics(partitions, TopicInteractions, TopicDLQ, TopicResults),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, net.JoinHostPort(host, port))
		}),
	}
	if c.DataDir != "" {
		opts = append(opts, kfake.DataDir(c.DataDir))
	}
	cl, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("embedded broker on %s: %w", addr, err)
	}
	return &Broker{cluster: cl}, nil
}

// Addrs returns the addresses clients connect to.
func (b *Broker) Addrs() []string { return b.cluster.ListenAddrs() }

// Close stops the broker.
func (b *Broker) Close() { b.cluster.Close() }
