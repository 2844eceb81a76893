package schemas

import (
	"encoding/json"
	"time"
)

// SchemaInteractionV1 is the value of the "schema" field of an interaction message.
const SchemaInteractionV1 = "zhijian.interaction.v1"

// Channel is how the interaction took place.
type Channel string

// Channels.
const (
	Voice Channel = "voice"
	Chat  Channel = "chat"
	Email Channel = "email"
)

// Speaker says who produced a turn.
type Speaker string

// Speakers.
const (
	Agent    Speaker = "agent"
	Customer Speaker = "customer"
	Bot      Speaker = "bot"
	System   Speaker = "system"
)

// Speakers lists every valid speaker, in a fixed order.
var Speakers = []Speaker{Agent, Customer, Bot, System}

// Valid reports whether s is a known speaker.
func (s Speaker) Valid() bool {
	switch s {
	case Agent, Customer, Bot, System:
		return true
	}
	return false
}

// Interaction is one call, chat or email: message zhijian.interaction.v1.
type Interaction struct {
	Schema    string            `json:"schema"`
	ID        string            `json:"id"`
	Tenant    string            `json:"tenant"`
	Channel   Channel           `json:"channel"`
	Language  string            `json:"language,omitempty"`
	StartedAt time.Time         `json:"started_at"`
	EndedAt   time.Time         `json:"ended_at,omitzero"`
	Direction string            `json:"direction,omitempty"`
	Queue     string            `json:"queue,omitempty"`
	Agent     AgentInfo         `json:"agent,omitzero"`
	Customer  CustomerInfo      `json:"customer,omitzero"`
	Metadata  map[string]string `json:"metadata,omitempty"`
	Recording *Recording        `json:"recording,omitempty"`
	Turns     []Turn            `json:"turns,omitempty"`

	// Extra keeps unknown top-level fields verbatim (see the package doc).
	Extra map[string]json.RawMessage `json:"-"`
}

// AgentInfo is the person (or seat) who handled the interaction.
type AgentInfo struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	Team string `json:"team,omitempty"`
	Site string `json:"site,omitempty"`
}

// CustomerInfo is the person served.
type CustomerInfo struct {
	ID   string `json:"id,omitempty"`
	Tier string `json:"tier,omitempty"`
}

// Recording points at a call's audio; audio never travels through Kafka.
type Recording struct {
	URI string `json:"uri"`
	// AgentChannel and CustomerChannel are WAV channel indexes; nil means the
	// default (agent 0, customer 1 for stereo).
	AgentChannel    *int `json:"agent_channel,omitempty"`
	CustomerChannel *int `json:"customer_channel,omitempty"`
}

// Turn is one utterance or message.
type Turn struct {
	Speaker Speaker `json:"speaker"`
	Text    string  `json:"text"`
	// StartMS is the offset from StartedAt. When the producer gave a
	// timestamp ("at") instead, StartMS is derived from it.
	StartMS int64 `json:"start_ms"`
	// EndMS is the end offset; 0 means unknown.
	EndMS      int64    `json:"end_ms,omitempty"`
	Confidence *float64 `json:"confidence,omitempty"`
}

// DurationMS is the turn's length, or 0 when its end is unknown.
func (t *Turn) DurationMS() int64 {
	if t.EndMS > t.StartMS {
		return t.EndMS - t.StartMS
	}
	return 0
}

// MarshalJSON writes the interaction with its passthrough fields.
func (in Interaction) MarshalJSON() ([]byte, error) {
	type plain Interaction
	b, err := json.Marshal(plain(in))
	if err != nil || len(in.Extra) == 0 {
		return b, err
	}
	extra, err := json.Marshal(in.Extra)
	if err != nil {
		return nil, err
	}
	// Both are JSON objects: splice "{a}" and "{b}" into "{a,b}".
	out := make([]byte, 0, len(b)+len(extra))
	out = append(out, b[:len(b)-1]...)
	out = append(out, ',')
	return append(out, extra[1:]...), nil
}
