package tlsinfo

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestJudgeStaple: --cert-status passes a good, current staple only; each other case says why.
func TestJudgeStaple(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		s       *Staple
		readErr string
		want    string // "" for no error
	}{
		{&Staple{Status: "good", ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(time.Hour)}, "", ""},
		{&Staple{Status: "good", ThisUpdate: now.Add(-time.Hour)}, "", ""}, // no next update promised
		{nil, "", "stapled no OCSP response"},
		{nil, "the stapled OCSP response cannot be read: x", "cannot be read"},
		{&Staple{Status: "revoked", RevokedAt: now.Add(-48 * time.Hour)}, "", "revoked on 2026-12-01"},
		{&Staple{Status: "unknown", ThisUpdate: now}, "", "status unknown"},
		{&Staple{Status: "good", ThisUpdate: now.Add(-48 * time.Hour), NextUpdate: now.Add(-24 * time.Hour)}, "", "out of date"},
		{&Staple{Status: "good", ThisUpdate: now.Add(time.Hour)}, "", "dated in the future"},
	} {
		err := JudgeStaple(tt.s, tt.readErr, now)
		var se *StapleError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.s, err)
		case tt.want != "" && (!errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) || CauseOf(err) != CauseStatus):
			t.Errorf("%+v %q: %v, want a *StapleError saying %q", tt.s, tt.readErr, err, tt.want)
		}
	}
}
