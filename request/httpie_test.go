package request

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestNestedJSONAsHTTPie is the table of HTTPie's own tests/test_json.py (test_nested_json_syntax): the
// items, and the JSON HTTPie sends for them. The bodies are compared as JSON values.
func TestNestedJSONAsHTTPie(t *testing.T) {
	tests := []struct {
		items []string
		want  string
	}{
		{[]string{"bottle-on-wall[]:=1", "bottle-on-wall[]:=2", "bottle-on-wall[]:=3"}, `{"bottle-on-wall": [1, 2, 3]}`},
		{[]string{"pet[species]=Dahut", `pet[name]:="Hypatia"`, "kids[1]=Thelma", `kids[0]:="Ashley"`},
			`{"pet": {"species": "Dahut", "name": "Hypatia"}, "kids": ["Ashley", "Thelma"]}`},
		{[]string{"pet[0][species]=Dahut", "pet[0][name]=Hypatia", "pet[1][species]=Felis Stultus", `pet[1][name]:="Billie"`},
			`{"pet": [{"species": "Dahut", "name": "Hypatia"}, {"species": "Felis Stultus", "name": "Billie"}]}`},
		{[]string{"wow[such][deep][3][much][power][!]=Amaze"},
			`{"wow": {"such": {"deep": [null, null, null, {"much": {"power": {"!": "Amaze"}}}]}}}`},
		{[]string{"mix[]=scalar", "mix[2]=something", `mix[4]:="something 2"`}, `{"mix": ["scalar", null, "something", null, "something 2"]}`},
		{[]string{"highlander[]=one"}, `{"highlander": ["one"]}`},
		{[]string{"error[good]=BOOM!", `error\[bad:="BOOM BOOM!"`}, `{"error": {"good": "BOOM!"}, "error[bad": "BOOM BOOM!"}`},
		{[]string{"special[]:=true", "special[]:=false", `special[]:="true"`, "special[]:=null"}, `{"special": [true, false, "true", null]}`},
		{[]string{`\[\]:=1`, `escape\[d\]:=1`, `escaped\[\]:=1`, `e\[s\][c][a][p][\[ed\]][]:=1`},
			`{"[]": 1, "escape[d]": 1, "escaped[]": 1, "e[s]": {"c": {"a": {"p": {"[ed]": [1]}}}}}`},
		{[]string{"[]:=1", "[]=foo"}, `[1, "foo"]`},
		{[]string{`\]:=1`, `\[\]1:=1`, `\[1\]\]:=1`}, `{"]": 1, "[]1": 1, "[1]]": 1}`},
		{[]string{`foo\[bar\][baz]:=1`, `foo\[bar\]\[baz\]:=3`, `foo[bar][\[baz\]]:=4`},
			`{"foo[bar]": {"baz": 1}, "foo[bar][baz]": 3, "foo": {"bar": {"[baz]": 4}}}`},
		{[]string{"key[]:=1", "key[][]:=2", "key[][][]:=3", "key[][][]:=4"}, `{"key": [1, [2], [[3]], [[4]]]}`},
		{[]string{"x[0]:=1", "x[]:=2", "x[]:=3", "x[][]:=4", "x[][]:=5"}, `{"x": [1, 2, 3, [4], [5]]}`},
		{[]string{"foo[bar][5][]:=5", "foo[bar][]:=6", "foo[bar][][]:=7", "foo[bar][][x]=dfasfdas", "foo[baz]:=[1, 2, 3]", "foo[baz][]:=4"},
			`{"foo": {"bar": [null, null, null, null, null, [5], 6, [7], {"x": "dfasfdas"}], "baz": [1, 2, 3, 4]}}`},
		{[]string{"foo[]:=1", "foo[]:=2", "foo[][key]=value", "foo[2][key 2]=value 2", `foo[2][key \[]=value 3`, `bar[nesting][under][!][empty][?][\\key]:=4`},
			`{"foo": [1, 2, {"key": "value", "key 2": "value 2", "key [": "value 3"}], "bar": {"nesting": {"under": {"!": {"empty": {"?": {"\\key": 4}}}}}}}`},
		{[]string{`foo\[key\]:=1`, `bar\[1\]:=2`, `quux[key\[escape\]]:=4`, `quux[key 2][\\][\\\\][\\\[\]\\\]\\\[\n\\]:=5`},
			`{"foo[key]": 1, "bar[1]": 2, "quux": {"key[escape]": 4, "key 2": {"\\": {"\\\\": {"\\[]\\]\\[\\n\\": 5}}}}}`},
		{[]string{`A[B\\]=C`, `A[B\\\\]=C`, `A[\B\\]=C`}, `{"A": {"B\\": "C", "B\\\\": "C", "\\B\\": "C"}}`},
		{[]string{"name=python", "version:=3", "date[year]:=2021", "date[month]=December", "systems[]=Linux", "systems[]=Mac",
			"systems[]=Windows", "people[known_ids][1]:=1000", "people[known_ids][5]:=5000"},
			`{"name": "python", "version": 3, "date": {"year": 2021, "month": "December"}, "systems": ["Linux", "Mac", "Windows"], "people": {"known_ids": [null, 1000, null, null, null, 5000]}}`},
		{[]string{`foo[\1][type]=migration`, `foo[\2][type]=migration`, `foo[\dates]:=[2012, 2013]`, `foo[\dates][0]:=2014`,
			`foo[\2012 bleh]:=2013`, `foo[bleh \2012]:=2014`, `\2012[x]:=2`, `\2012[\[3\]]:=4`},
			`{"foo": {"1": {"type": "migration"}, "2": {"type": "migration"}, "\\dates": [2014, 2013], "\\2012 bleh": 2013, "bleh \\2012": 2014}, "2012": {"x": 2, "[3]": 4}}`},
		{[]string{`a[\0]:=0`, `a[\\1]:=1`, `a[\\\2]:=2`, `a[\\\\\3]:=3`, `a[-1\\]:=-1`, `a[-2\\\\]:=-2`, `a[\\-3\\\\]:=-3`},
			`{"a": {"0": 0, "\\1": 1, "\\\\2": 2, "\\\\\\3": 3, "-1\\": -1, "-2\\\\": -2, "\\-3\\\\": -3}}`},
		{[]string{"[]:=0", "[]:=1", "[5]:=5", "[]:=6", "[9]:=9"}, `[0, 1, null, null, null, 5, 6, null, null, 9]`},
		{[]string{"=empty", "foo=bar", "bar[baz][quux]=tuut"}, `{"": "empty", "foo": "bar", "bar": {"baz": {"quux": "tuut"}}}`},
		{[]string{`\1=top level int`, `\\1=escaped top level int`, `\2[\3][\4]:=5`}, `{"1": "top level int", "\\1": "escaped top level int", "2": {"3": {"4": 5}}}`},
		{[]string{`:={"foo": {"bar": "baz"}}`, "top=val"}, `{"": {"foo": {"bar": "baz"}}, "top": "val"}`},
		{[]string{"[][a][b][]:=1", "[0][a][b][]:=2", "[][]:=2"}, `[{"a": {"b": [1, 2]}}, [2]]`},
		{[]string{":=[1,2,3]"}, `{"": [1, 2, 3]}`},
		{[]string{":=[1,2,3]", "foo=bar"}, `{"": [1, 2, 3], "foo": "bar"}`},
		// From issue 10: extending a := value, and a repeated key (HTTPie 3.2 keeps the last).
		{[]string{"a:=[1]", "a[]:=2"}, `{"a": [1, 2]}`},
		{[]string{`o:={"x":1}`, "o[y]=2"}, `{"o": {"x": 1, "y": "2"}}`},
		{[]string{"a=1", "a=2"}, `{"a": "2"}`},
		{[]string{`a=b\=c`}, `{"a": "b=c"}`},
	}
	for _, tt := range tests {
		r, err := Build(Spec{Method: "POST", URL: "example.com", Items: tt.items})
		if err != nil {
			t.Errorf("%q: %v", tt.items, err)
			continue
		}
		got := bodyString(t, r)
		var g, w any
		if err := json.Unmarshal([]byte(got), &g); err != nil {
			t.Errorf("%q: body %s is not JSON: %v", tt.items, got, err)
			continue
		}
		json.Unmarshal([]byte(tt.want), &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%q:\n sent %s\n want %s (HTTPie)", tt.items, got, tt.want)
		}
	}
}

// TestNestedJSONErrorsAsHTTPie is test_nested_json_errors: every one is refused, naming the argument.
func TestNestedJSONErrorsAsHTTPie(t *testing.T) {
	tests := []struct {
		items []string
		want  string // part of the message
	}{
		{[]string{"A[:=1"}, "expecting a text, a number or ']' at character 3"},
		{[]string{"A[1:=1"}, "expecting ']' at character 4"},
		{[]string{"A[text:=1"}, "expecting ']' at character 7"},
		{[]string{"A[text][:=1"}, "expecting a text, a number or ']' at character 9"},
		{[]string{"A[key]=value", "B[something]=u", "A[text][:=1", "C[key]=value"}, "expecting a text, a number or ']'"},
		{[]string{"A[text]1:=1"}, "expecting '[' at character 8"},
		{[]string{`A\[]:=1`}, "expecting '[' at character 4"},
		{[]string{`A[something\]:=1`}, "expecting ']'"},
		{[]string{`foo\[bar\]\\[   bleh:=1`}, "expecting ']'"},
		{[]string{"foo[bar][1]][]:=2"}, "expecting '[' at character 12"},
		{[]string{"foo[bar][1]something[]:=2"}, "expecting '[' at character 12"},
		{[]string{"foo[bar][1][142241[]:=2"}, "expecting ']' at character 19"},
		{[]string{`foo[bar][1]\[142241[]:=2`}, "expecting '['"},
		{[]string{"foo=1", "foo[key]:=2"}, `cannot do key access on "foo", which is a string, not an object`},
		{[]string{"foo=1", "foo[0]:=2"}, `cannot do index access on "foo", which is a string, not an array`},
		{[]string{"foo=1", "foo[]:=2"}, `cannot do append access on "foo", which is a string, not an array`},
		{[]string{"data[key]=value", "data[key 2]=value 2", "data[0]=value"}, `cannot do index access on "data", which is an object`},
		{[]string{"data[key]=value", "data[key 2]=value 2", "data[]=value"}, `cannot do append access on "data", which is an object`},
		{[]string{"foo[bar][baz][5]:=[1,2,3]", "foo[bar][baz][5][]:=4", "foo[bar][baz][key][]:=5"}, `cannot do key access on "foo[bar][baz]", which is an array`},
		{[]string{"foo[-10]:=[1,2]"}, "negative indexes are not supported"},
		{[]string{"foo[10001]:=1"}, "array index 10001 is larger than 10000"},
		{[]string{"foo[99999999999]:=1"}, "array index 99999999999 is larger than 10000"},
		{[]string{"foo[-99999999999]:=1"}, "negative index -99999999999 at character 5"},
		{[]string{"foo[0]:=1", "foo[]:=2", `foo[\2]:=3`}, `cannot do key access on "foo", which is an array`},
		{[]string{`foo[\1]:=2`, "foo[5]:=3"}, `cannot do index access on "foo", which is an object`},
		{[]string{"x=y", "[]:=2"}, `cannot do append access on "", which is an object`},
		{[]string{"[]:=2", "x=y"}, `cannot do key access on "", which is an array`},
		{[]string{":=[1,2,3]", "[]:=4"}, `cannot do append access on "", which is an object`},
		{[]string{"[]:=4", ":=[1,2,3]"}, `cannot do key access on "", which is an array`},
	}
	for _, tt := range tests {
		_, err := Build(Spec{Method: "POST", URL: "example.com", Items: tt.items})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one saying %q", tt.items, err, tt.want)
		}
	}
}
