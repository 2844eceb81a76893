package schemas

// Metrics are the timing facts of an interaction. They come from turn offsets
// (Source "turns") or, for a recording, from measured audio (Source "audio");
// timing conditions read them the same way.
type Metrics struct {
	Source         string `json:"source"`
	DurationMS     int64  `json:"duration_ms"`
	AgentTalkMS    int64  `json:"agent_talk_ms"`
	CustomerTalkMS int64  `json:"customer_talk_ms"`
	// AgentTalkRatio is agent talk / (agent + customer talk); -1 when unknown.
	AgentTalkRatio   float64    `json:"agent_talk_ratio"`
	Silences         []Segment  `json:"silences,omitempty"`
	LongestSilenceMS int64      `json:"longest_silence_ms"`
	Overtalks        []Overtalk `json:"overtalks,omitempty"`
	Holds            []Segment  `json:"holds,omitempty"`
	// Speech rates per minute of talk (zh: characters, en: words); 0 when unknown.
	AgentRate    float64 `json:"agent_rate,omitempty"`
	CustomerRate float64 `json:"customer_rate,omitempty"`
	RateUnit     string  `json:"rate_unit,omitempty"`
	// Responses are the waits from a customer message to the next reply.
	Responses []Response `json:"responses,omitempty"`
	// Loudness of each side's talk (RMS, dBFS), measured on a recording.
	AgentLevelDB    float64 `json:"agent_level_db,omitempty"`
	CustomerLevelDB float64 `json:"customer_level_db,omitempty"`
	// TimedTurns is how many turns have an end time.
	TimedTurns int `json:"timed_turns"`
}

// Segment is a span of the interaction; Turn is the turn that follows it.
type Segment struct {
	StartMS int64 `json:"start_ms"`
	EndMS   int64 `json:"end_ms"`
	Turn    int   `json:"turn"`
}

// Overtalk is a span where By started talking before the other speaker stopped.
type Overtalk struct {
	Segment
	By Speaker `json:"by"`
}

// Response is the wait from the first unanswered customer message (turn
// Asked) to the reply (turn Turn), by Responder. Turn is -1 when nobody
// answered; the wait then runs to the end of the interaction.
type Response struct {
	Asked     int     `json:"asked"`
	Turn      int     `json:"turn"`
	WaitMS    int64   `json:"wait_ms"`
	Responder Speaker `json:"responder"`
}
