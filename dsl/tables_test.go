package dsl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/botgen-dev/botgen/dsl/assets"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// tableJSON is what a table reply sends for t.
func tableJSON(t *ir.Table) string {
	rows := make([][]any, len(t.Rows))
	for i, row := range t.Rows {
		for _, c := range row {
			rows[i] = append(rows[i], c.Value())
		}
	}
	return reply.TableJSON(t.Columns, rows)
}

// tableCSV returns the CSV of a table golden: its table.csv section, or its
// table.csv.quoted section (a Go string literal, for bytes a txtar file
// cannot hold as they are: \r, no newline at the end, a byte order mark).
func tableCSV(t *testing.T, a *txtar.Archive) []byte {
	t.Helper()
	for _, f := range a.Files {
		switch f.Name {
		case "table.csv":
			return f.Data
		case "table.csv.quoted":
			s, err := strconv.Unquote(strings.TrimSpace(string(f.Data)))
			if err != nil {
				t.Fatalf("table.csv.quoted: %v", err)
			}
			return []byte(s)
		}
	}
	t.Fatal("no table.csv or table.csv.quoted section")
	return nil
}

// renderTable is a table golden's want: its warnings, then the JSON the
// reply sends, or the error.
func renderTable(data []byte) []byte {
	table, notes, err := assets.ParseCSV(data)
	var b bytes.Buffer
	for _, n := range notes {
		fmt.Fprintf(&b, "warning: %s\n", n)
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
		return b.Bytes()
	}
	b.WriteString(tableJSON(table) + "\n")
	return b.Bytes()
}

// TestTableGoldens reads each CSV of testdata/tables and compares the JSON
// of its table with the want section (go test ./dsl -update rewrites it).
// TestTablesMatchPandas checks the want sections against pandas.
func TestTableGoldens(t *testing.T) {
	runGoldens(t, "../testdata/tables/*.txtar", "want", func(t *testing.T, a *txtar.Archive) []byte {
		return renderTable(tableCSV(t, a))
	})
}

// pandasScript reads each CSV named on its command line with
// pandas.read_csv's defaults and prints a JSON object: path -> the
// DataFrame's to_json(), or "error: ..." when read_csv fails. Before pandas
// 2.0, "None" was not among the default missing values: it is added, so
// that any pandas behaves as the 2.x that BESSER pins.
const pandasScript = `
import io, json, sys
import pandas as pd
kw = {}
if int(pd.__version__.split(".")[0]) < 2:
    kw["na_values"] = ["None"]
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    try:
        out[path] = pd.read_csv(io.BytesIO(data), **kw).to_json()
    except Exception as e:
        out[path] = "error: %s: %s" % (type(e).__name__, str(e).strip())
print(json.dumps({"version": pd.__version__, "tables": out}))
`

// pandasPython finds a Python with pandas: python3 on the PATH, or
// Debian's (python3-pandas installs for /usr/bin/python3, which a python3
// earlier on the PATH may hide). Outside CI a test without one is skipped;
// in CI (CI set), it fails.
func pandasPython(t *testing.T) string {
	t.Helper()
	python, tried := findPandas()
	if python != "" {
		return python
	}
	msg := "no python3 with pandas (apt-get install python3-pandas)"
	if len(tried) > 0 {
		msg += "; tried " + strings.Join(tried, ", ")
	}
	if os.Getenv("CI") != "" {
		t.Fatal(msg + ": in CI, pandas is the oracle of the table tests")
	}
	t.Skip(msg)
	return ""
}

// findPandas looks for the Python of pandasPython once: importing pandas
// takes a second.
var findPandas = sync.OnceValues(func() (string, []string) {
	var tried []string
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(py)
		if err != nil || slices.Contains(tried, path) {
			continue
		}
		if exec.Command(path, "-c", "import pandas").Run() == nil {
			return path, nil
		}
		tried = append(tried, path)
	}
	return "", tried
})

// runPandas returns pandas' to_json() of each CSV file, and its version.
func runPandas(t *testing.T, python string, paths []string) (string, map[string]string) {
	t.Helper()
	cmd := exec.Command(python, append([]string{"-c", pandasScript}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pandas: %v\n%s", err, stderr.Bytes())
	}
	var res struct {
		Version string            `json:"version"`
		Tables  map[string]string `json:"tables"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("pandas output: %v\n%s", err, out)
	}
	return res.Version, res.Tables
}

// samePandas compares a table's JSON with pandas': byte for byte, and, if
// that fails, as parsed values, to say which kind of difference it is.
func samePandas(got, want string) string {
	if got == want {
		return ""
	}
	var g, w any
	if json.Unmarshal([]byte(got), &g) != nil || json.Unmarshal([]byte(want), &w) != nil {
		return fmt.Sprintf("got  %s\npandas %s", got, want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if bytes.Equal(gb, wb) {
		return fmt.Sprintf("same values, other bytes:\ngot    %s\npandas %s", got, want)
	}
	return fmt.Sprintf("different values:\ngot    %s\npandas %s", got, want)
}

// TestTablesMatchPandas runs pandas on the CSV of every table golden and
// compares what it writes with the golden's JSON, byte for byte.
func TestTablesMatchPandas(t *testing.T) {
	python := pandasPython(t)
	paths, _ := filepath.Glob("../testdata/tables/*.txtar")
	dir := t.TempDir()
	var csvs []string
	want := map[string]string{}
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		csv := filepath.Join(dir, strings.TrimSuffix(filepath.Base(p), ".txtar")+".csv")
		if err := os.WriteFile(csv, tableCSV(t, a), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if f.Name == "want" {
				lines := strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n")
				want[csv] = lines[len(lines)-1] // after the warnings
			}
		}
		csvs = append(csvs, csv)
	}
	version, got := runPandas(t, python, csvs)
	t.Logf("pandas %s", version)
	for _, csv := range csvs {
		if diff := samePandas(want[csv], got[csv]); diff != "" {
			t.Errorf("%s: %s", filepath.Base(csv), diff)
		}
	}
}

// TestRandomCSVsMatchPandas compares the tables of random CSV files with
// what pandas writes for them: cells drawn from number forms, missing
// values, booleans and text that read_csv treats in special ways.
func TestRandomCSVsMatchPandas(t *testing.T) {
	python := pandasPython(t)
	const files = 400
	rng := rand.New(rand.NewPCG(9, 4))
	dir := t.TempDir()
	var csvs []string
	ours := map[string]string{}
	for i := range files {
		data := randomCSV(rng)
		csv := filepath.Join(dir, fmt.Sprintf("%03d.csv", i))
		if err := os.WriteFile(csv, data, 0o644); err != nil {
			t.Fatal(err)
		}
		csvs = append(csvs, csv)
		table, _, err := assets.ParseCSV(data)
		if err != nil {
			ours[csv] = "error: " + err.Error()
			continue
		}
		ours[csv] = tableJSON(table)
	}
	// And one long column of floats, for the parser and the writer.
	var floats strings.Builder
	floats.WriteString("x\n")
	for range 20000 {
		floats.WriteString(randomFloat(rng) + "\n")
	}
	csv := filepath.Join(dir, "floats.csv")
	if err := os.WriteFile(csv, []byte(floats.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	csvs = append(csvs, csv)
	table, _, err := assets.ParseCSV([]byte(floats.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range table.Rows {
		if row[0].Kind != ir.CellFloat {
			t.Fatalf("floats.csv: a cell is not a float: %+v", row[0])
		}
	}
	ours[csv] = tableJSON(table)

	version, got := runPandas(t, python, csvs)
	t.Logf("pandas %s, %d files", version, len(csvs))
	failed := 0
	for _, csv := range csvs {
		diff := samePandas(ours[csv], got[csv])
		if strings.HasPrefix(ours[csv], "error: ") && strings.HasPrefix(got[csv], "error: ") {
			diff = "" // both refuse the file (a blank header: no columns)
		}
		if diff != "" {
			data, _ := os.ReadFile(csv)
			t.Errorf("%s %q:\n%s", filepath.Base(csv), data, diff)
			if failed++; failed == 10 {
				t.Fatal("too many differences")
			}
		}
	}
}

// randomCSV returns a CSV whose columns each draw their cells from one pool,
// so that most columns have one type and some mix types.
func randomCSV(rng *rand.Rand) []byte {
	pools := [][]string{
		// integers
		{"0", "1", "-1", "42", "007", "+5", " 3", "4 ", "\t6", "9223372036854775807", "-9223372036854775808", "123456789012345678"},
		// floats
		{"0.1", "98.0", "1e20", "1e-16", "2.675", "-0.0", "-1e-11", ".5", "5.", "1E5", "123456.7890123456", "0.00000000005",
			"3.14159265358979", "1e308", "4.9e-324", "inf", "-Infinity", "12345678901234567890.5", "0.99999999999", "1e-7", "6.02214076e23"},
		// random floats, below
		nil,
		// missing
		{"", "NA", "NaN", "nan", "null", "NULL", "None", "N/A", "n/a", "<NA>", "#N/A", "-nan", "1.#IND"},
		// booleans
		{"true", "false", "True", "FALSE", "tRuE"},
		// text
		{"x", "Ada Lovelace", "a/b", "café", "日本", "😀", `"quoted, with comma"`, `"say ""hi"""`, `"two` + "\n" + `lines"`,
			"5\"", "0x10", "1_000", "-", " NA", "yes", "\\", "u+2028 \u2028"},
		// big integers
		{"9223372036854775808", "18446744073709551615", "99999999999999999999", "-1"},
	}
	cols := 1 + rng.IntN(4)
	rows := rng.IntN(8)
	colPools := make([][]int, cols)
	for c := range colPools {
		colPools[c] = []int{rng.IntN(len(pools))}
		for rng.IntN(3) == 0 {
			colPools[c] = append(colPools[c], rng.IntN(len(pools)))
		}
		if rng.IntN(2) == 0 {
			colPools[c] = append(colPools[c], 3) // some missing cells
		}
	}
	nl := "\n"
	if rng.IntN(5) == 0 {
		nl = "\r\n"
	}
	var b strings.Builder
	for c := range cols {
		if c > 0 {
			b.WriteByte(',')
		}
		if rng.IntN(10) > 0 {
			fmt.Fprintf(&b, "c%d", c)
		}
	}
	b.WriteString(nl)
	for range rows {
		if rng.IntN(10) == 0 {
			b.WriteString(nl) // a blank line
		}
		n := cols
		if rng.IntN(10) == 0 {
			n = 1 + rng.IntN(cols) // a short row
		}
		for c := range n {
			if c > 0 {
				b.WriteByte(',')
			}
			pool := colPools[c][rng.IntN(len(colPools[c]))]
			if pools[pool] == nil {
				b.WriteString(randomFloat(rng))
				continue
			}
			b.WriteString(pools[pool][rng.IntN(len(pools[pool]))])
		}
		b.WriteString(nl)
	}
	return []byte(b.String())
}

// randomFloat returns a float as a CSV might hold it: few or many digits,
// at any magnitude, with or without an exponent.
func randomFloat(rng *rand.Rand) string {
	f := rng.NormFloat64() * float64(rng.IntN(1000000))
	switch rng.IntN(7) {
	case 5:
		// Up to 25 digits with a point anywhere, and any exponent.
		digits := strconv.FormatUint(rng.Uint64(), 10) + strconv.FormatUint(rng.Uint64(), 10)
		digits = digits[:1+rng.IntN(min(25, len(digits)))]
		at := rng.IntN(len(digits) + 1)
		s := digits[:at] + "." + digits[at:]
		if rng.IntN(2) == 0 {
			s += "e" + strconv.Itoa(rng.IntN(610)-330) // no overflow beyond 1e308
		}
		return s
	case 6:
		// Halfway at the tenth decimal, where rounding rules show.
		return strconv.Itoa(rng.IntN(100)) + "." + fmt.Sprintf("%09d", rng.IntN(1000000000)) + "5"
	case 0:
		return strconv.FormatFloat(f, 'f', rng.IntN(15), 64)
	case 1:
		return strconv.FormatFloat(f*1e-12, 'g', -1, 64)
	case 2:
		return strconv.FormatFloat(f*1e15, 'e', rng.IntN(17), 64)
	case 3:
		return strconv.FormatFloat(float64(rng.IntN(100000))/1000, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Inline tables are typed as pandas types a DataFrame built from the same
// Python literals (checked with pandas 1.5.3), except that an integer beyond
// int64 is a float here (pandas would make a uint64 column of it).
func TestInlineTableTypes(t *testing.T) {
	src := `bot b
initial state s {
    reply table {
        columns "int", "float", "mixed", "bool", "text", "big"
        row 1, 1, 1, true, "a", 9223372036854775807
        row -2, 2.5, "x", false, "b/é", 12345678901234567890
        row 007, 1e3, 2.0, true, "", 0
    }
}
`
	f, diags := Parse("t.bot", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	bot, diags := Check(f, []byte(src), CheckOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	table := bot.States[0].Body[0].(*ir.Reply).Table
	got := tableJSON(table)
	want := `{"int":{"0":1,"1":-2,"2":7},"float":{"0":1.0,"1":2.5,"2":1000.0},"mixed":{"0":1,"1":"x","2":2.0},` +
		`"bool":{"0":true,"1":false,"2":true},"text":{"0":"a","1":"b\/\u00e9","2":""},"big":{"0":9.223372037e+18,"1":1.23456789e+19,"2":0.0}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
