package audio

// G.711 expansion tables (ITU-T G.711), as 16-bit linear values scaled
// to [-1, 1].
var muLaw, aLaw [256]float32

func init() {
	for i := range 256 {
		muLaw[i] = float32(expandMuLaw(byte(i))) / 32768
		aLaw[i] = float32(expandALaw(byte(i))) / 32768
	}
}

// expandMuLaw decodes one µ-law byte: the bits are inverted, then a sign,
// a 3-bit exponent and a 4-bit mantissa over a bias of 0x84.
func expandMuLaw(c byte) int {
	u := ^c
	exp := int(u>>4) & 7
	v := ((int(u&0x0F) << 3) + 0x84) << exp
	v -= 0x84
	if u&0x80 != 0 {
		return -v
	}
	return v
}

// expandALaw decodes one A-law byte: even bits are inverted (xor 0x55),
// then a sign (set means positive), a 3-bit exponent and a 4-bit mantissa.
func expandALaw(c byte) int {
	a := c ^ 0x55
	exp := int(a>>4) & 7
	v := int(a&0x0F)<<4 + 8
	if exp > 0 {
		v = (v + 0x100) << (exp - 1)
	}
	if a&0x80 == 0 {
		return -v
	}
	return v
}
