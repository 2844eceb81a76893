package schemas

import _ "embed"

// InteractionV1JSONSchema is the JSON Schema (draft 2020-12) of
// zhijian.interaction.v1, for producers and tools outside the project.
//
//go:embed interaction.v1.schema.json
var InteractionV1JSONSchema []byte
