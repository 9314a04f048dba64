package eval

import (
	"cmp"
	"math"
	"math/big"
	"strconv"
	"strings"
)

func compareFloat(f float64, n int64) (int, bool) {
	if math.IsNaN(f) {
		return 0, false
	}
	if f == math.Trunc(f) && f >= -9.2e18 && f <= 9.2e18 {
		return cmp.Compare(int64(f), n), true
	}
	return new(big.Float).SetFloat64(f).Cmp(new(big.Float).SetInt64(n)), true
}

// CompareNumberText orders the JSON number text s against n exactly: integers of any size and
// numbers with fractions or exponents alike. It reports false for text that is not a JSON number.
func CompareNumberText(s string, n int64) (int, bool) {
	if i, ok := parseInt(s); ok {
		return cmp.Compare(i, n), true
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return cmp.Compare(i, n), true
	}
	if !validNumber(s) {
		return 0, false
	}
	if c, ok := compareDecimal(s, n); ok {
		return c, true
	}
	if e := strings.IndexAny(s, "eE"); e >= 0 {
		if strings.Trim(s[:e], "-0.") == "" {
			return cmp.Compare(0, n), true
		}
		// A huge exponent would make an exact rational enormous: decide by sign and magnitude.
		if exp, err := strconv.Atoi(s[e+1:]); err != nil || exp > 400 || exp < -400 {
			neg := s[0] == '-'
			big := exp > 0
			switch {
			case big && !neg:
				return 1, true
			case big && neg:
				return -1, true
			case !neg: // a tiny positive number: above 0, below 1
				if n > 0 {
					return -1, true
				}
				return 1, true
			default: // a tiny negative number: below 0, above -1
				if n < 0 {
					return 1, true
				}
				return -1, true
			}
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	return r.Cmp(new(big.Rat).SetInt64(n)), true
}

// compareDecimal orders valid JSON number text without an exponent whose integer part has
// at most 18 digits against n, without allocating; false when it does not apply.
func compareDecimal(s string, n int64) (int, bool) {
	if strings.ContainsAny(s, "eE") {
		return 0, false
	}
	ip, frac, _ := strings.Cut(s, ".")
	i, ok := parseInt(ip)
	if !ok {
		if ip != "-0" {
			return 0, false
		}
		i = 0
	}
	if c := cmp.Compare(i, n); c != 0 {
		return c, true
	}
	if strings.Trim(frac, "0") == "" {
		return 0, true
	}
	// The integer parts are equal and a non-zero fraction remains: it moves the value away
	// from zero, that is up for a positive number and down for a negative one.
	if s[0] == '-' {
		return -1, true
	}
	return 1, true
}

// validNumber reports whether s has JSON number syntax.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return false
	}
	if s[i] == '0' {
		i++
	} else if s[i] >= '1' && s[i] <= '9' {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}
