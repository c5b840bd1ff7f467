package nlu

import (
	"strconv"
	"strings"
	"time"
)

// datetimeSamples are ways of writing a date, for training sentences with a
// datetime placeholder.
func datetimeSamples(lang string) []string {
	switch lang {
	case "es":
		return []string{"mañana", "hoy", "el lunes", "2026-12-01"}
	case "fr":
		return []string{"demain", "aujourd'hui", "lundi", "2026-12-01"}
	case "de":
		return []string{"morgen", "heute", "am montag", "2026-12-01"}
	case "it":
		return []string{"domani", "oggi", "lunedì", "2026-12-01"}
	case "pt":
		return []string{"amanhã", "hoje", "segunda", "2026-12-01"}
	}
	return []string{"tomorrow", "today", "next monday", "2026-12-01", "tomorrow at 5pm"}
}

// dateWords are the words of dates and times in one language.
type dateWords struct {
	days     map[string]int // relative days: "tomorrow" → 1
	weekdays [7][]string    // Sunday first, as time.Weekday
	months   [12][]string
	next     []string // "next" before a weekday
	in       []string // "in" before an amount of time
	ago      []string // "ago" after an amount of time
	at       []string // words before a time of day
	units    map[string]time.Duration
	dayUnits map[string]int // days per unit for days and weeks
	pm, am   []string
	noon     []string
	midnight []string
}

// dateLanguage returns the date words of a language (English for unknown
// codes).
func dateLanguage(lang string) *dateWords {
	w := func(s string) []string { return strings.Fields(s) }
	switch lang {
	case "es":
		return &dateWords{
			days:     map[string]int{"ayer": -1, "hoy": 0, "mañana": 1, "pasado": 2, "anteayer": -2},
			weekdays: [7][]string{w("domingo"), w("lunes"), w("martes"), w("miércoles miercoles"), w("jueves"), w("viernes"), w("sábado sabado")},
			months:   [12][]string{w("enero"), w("febrero"), w("marzo"), w("abril"), w("mayo"), w("junio"), w("julio"), w("agosto"), w("septiembre setiembre"), w("octubre"), w("noviembre"), w("diciembre")},
			next:     w("próximo proximo próxima proxima siguiente"), in: w("en dentro"), ago: w("hace"), at: w("a las la"),
			units:    map[string]time.Duration{"hora": time.Hour, "horas": time.Hour, "minuto": time.Minute, "minutos": time.Minute},
			dayUnits: map[string]int{"día": 1, "días": 1, "dia": 1, "dias": 1, "semana": 7, "semanas": 7},
			pm:       w("pm"), am: w("am"), noon: w("mediodía mediodia"), midnight: w("medianoche"),
		}
	case "fr":
		return &dateWords{
			days:     map[string]int{"hier": -1, "aujourdhui": 0, "demain": 1, "aprèsdemain": 2, "avanthier": -2},
			weekdays: [7][]string{w("dimanche"), w("lundi"), w("mardi"), w("mercredi"), w("jeudi"), w("vendredi"), w("samedi")},
			months:   [12][]string{w("janvier"), w("février fevrier"), w("mars"), w("avril"), w("mai"), w("juin"), w("juillet"), w("août aout"), w("septembre"), w("octobre"), w("novembre"), w("décembre decembre")},
			next:     w("prochain prochaine"), in: w("dans"), ago: w("il"), at: w("à a"),
			units:    map[string]time.Duration{"heure": time.Hour, "heures": time.Hour, "h": time.Hour, "minute": time.Minute, "minutes": time.Minute},
			dayUnits: map[string]int{"jour": 1, "jours": 1, "semaine": 7, "semaines": 7},
			pm:       w("pm"), am: w("am"), noon: w("midi"), midnight: w("minuit"),
		}
	case "de":
		return &dateWords{
			days:     map[string]int{"gestern": -1, "heute": 0, "morgen": 1, "übermorgen": 2, "vorgestern": -2},
			weekdays: [7][]string{w("sonntag"), w("montag"), w("dienstag"), w("mittwoch"), w("donnerstag"), w("freitag"), w("samstag sonnabend")},
			months:   [12][]string{w("januar jänner"), w("februar"), w("märz"), w("april"), w("mai"), w("juni"), w("juli"), w("august"), w("september"), w("oktober"), w("november"), w("dezember")},
			next:     w("nächsten nächster nächste kommenden"), in: w("in"), ago: w("vor"), at: w("um"),
			units:    map[string]time.Duration{"stunde": time.Hour, "stunden": time.Hour, "minute": time.Minute, "minuten": time.Minute},
			dayUnits: map[string]int{"tag": 1, "tagen": 1, "tage": 1, "woche": 7, "wochen": 7},
			pm:       w("pm"), am: w("am"), noon: w("mittag"), midnight: w("mitternacht"),
		}
	case "it":
		return &dateWords{
			days:     map[string]int{"ieri": -1, "oggi": 0, "domani": 1, "dopodomani": 2, "altroieri": -2},
			weekdays: [7][]string{w("domenica"), w("lunedì lunedi"), w("martedì martedi"), w("mercoledì mercoledi"), w("giovedì giovedi"), w("venerdì venerdi"), w("sabato")},
			months:   [12][]string{w("gennaio"), w("febbraio"), w("marzo"), w("aprile"), w("maggio"), w("giugno"), w("luglio"), w("agosto"), w("settembre"), w("ottobre"), w("novembre"), w("dicembre")},
			next:     w("prossimo prossima"), in: w("tra fra"), ago: w("fa"), at: w("alle all"),
			units:    map[string]time.Duration{"ora": time.Hour, "ore": time.Hour, "minuto": time.Minute, "minuti": time.Minute},
			dayUnits: map[string]int{"giorno": 1, "giorni": 1, "settimana": 7, "settimane": 7},
			pm:       w("pm"), am: w("am"), noon: w("mezzogiorno"), midnight: w("mezzanotte"),
		}
	case "pt":
		return &dateWords{
			days:     map[string]int{"ontem": -1, "hoje": 0, "amanhã": 1, "amanha": 1, "anteontem": -2},
			weekdays: [7][]string{w("domingo"), w("segunda"), w("terça terca"), w("quarta"), w("quinta"), w("sexta"), w("sábado sabado")},
			months:   [12][]string{w("janeiro"), w("fevereiro"), w("março marco"), w("abril"), w("maio"), w("junho"), w("julho"), w("agosto"), w("setembro"), w("outubro"), w("novembro"), w("dezembro")},
			next:     w("próximo proximo próxima proxima"), in: w("em daqui"), ago: w("atrás atras"), at: w("às as"),
			units:    map[string]time.Duration{"hora": time.Hour, "horas": time.Hour, "minuto": time.Minute, "minutos": time.Minute},
			dayUnits: map[string]int{"dia": 1, "dias": 1, "semana": 7, "semanas": 7},
			pm:       w("pm"), am: w("am"), noon: w("meiodia"), midnight: w("meianoite"),
		}
	}
	return &dateWords{
		days:     map[string]int{"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1},
		weekdays: [7][]string{w("sunday sun"), w("monday mon"), w("tuesday tue tues"), w("wednesday wed"), w("thursday thu thurs"), w("friday fri"), w("saturday sat")},
		months:   [12][]string{w("january jan"), w("february feb"), w("march mar"), w("april apr"), w("may"), w("june jun"), w("july jul"), w("august aug"), w("september sep sept"), w("october oct"), w("november nov"), w("december dec")},
		next:     w("next this coming"), in: w("in"), ago: w("ago"), at: w("at"),
		units:    map[string]time.Duration{"hour": time.Hour, "hours": time.Hour, "minute": time.Minute, "minutes": time.Minute, "min": time.Minute, "mins": time.Minute},
		dayUnits: map[string]int{"day": 1, "days": 1, "week": 7, "weeks": 7},
		pm:       w("pm p"), am: w("am a"), noon: w("noon midday"), midnight: w("midnight"),
	}
}

func in(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

// dateParser reads dates and times in the tokens of one message.
type dateParser struct {
	dw    *dateWords
	nums  *numberParser
	text  string
	toks  []token
	today time.Time // midnight of the current day in the bot's time zone
	now   time.Time
}

// parseAt reads the longest date or time expression starting at token i and
// returns its end and its value in ISO 8601: a date (2026-12-01) when no time
// of day is said, else a date and time with the zone offset.
func (p *dateParser) parseAt(i int) (end int, value string, ok bool) {
	d, j, okD := p.date(i)
	if okD {
		if h, m, k, okT := p.clock(p.skipAt(j)); okT {
			return k, p.stamp(d, h, m), true
		}
		if d.Hour() != 0 || d.Minute() != 0 {
			return j, d.Format(time.RFC3339), true
		}
		return j, d.Format(time.DateOnly), true
	}
	h, m, j, okT := p.clock(i)
	if !okT {
		return 0, "", false
	}
	if d, k, okD := p.date(j); okD {
		return k, p.stamp(d, h, m), true
	}
	// A time alone is today's, or tomorrow's once it has passed.
	d = p.today
	if t := p.stamp0(d, h, m); t.Before(p.now) {
		d = d.AddDate(0, 0, 1)
	}
	return j, p.stamp(d, h, m), true
}

func (p *dateParser) stamp0(d time.Time, h, m int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, d.Location())
}

func (p *dateParser) stamp(d time.Time, h, m int) string {
	return p.stamp0(d, h, m).Format(time.RFC3339)
}

// skipAt skips a word such as "at" or "on".
func (p *dateParser) skipAt(i int) int {
	if i < len(p.toks) && (in(p.dw.at, p.toks[i].word) || p.toks[i].word == "on") {
		return i + 1
	}
	return i
}

func (p *dateParser) word(i int) string {
	if i < len(p.toks) {
		return p.toks[i].word
	}
	return ""
}

// adjacent reports whether tokens i and i+1 are separated by exactly sep.
func (p *dateParser) adjacent(i int, sep string) bool {
	return i+1 < len(p.toks) && p.text[p.toks[i].end:p.toks[i+1].start] == sep
}

// date reads a date at token i: an ISO date, a relative day, a weekday
// (optionally "next"), "in 3 days", "2 weeks ago", or a day and a month
// (with an optional year) in either order.
func (p *dateParser) date(i int) (time.Time, int, bool) {
	w := p.word(i)
	if w == "" {
		return time.Time{}, i, false
	}
	// 2026-12-01
	if len(w) == 4 && p.adjacent(i, "-") && p.adjacent(i+1, "-") {
		if t, err := time.ParseInLocation(time.DateOnly, w+"-"+p.word(i+1)+"-"+p.word(i+2), p.today.Location()); err == nil {
			return t, i + 3, true
		}
	}
	if off, ok := p.dw.days[w]; ok {
		// "day after tomorrow"
		return p.today.AddDate(0, 0, off), i + 1, true
	}
	if w == "the" || w == "on" || w == "el" || w == "le" || w == "am" || w == "il" || w == "o" {
		if t, j, ok := p.date(i + 1); ok && j > i+1 {
			return t, j, true
		}
	}
	next := false
	j := i
	if in(p.dw.next, w) {
		next, j = true, i+1
	}
	for wd, names := range p.dw.weekdays {
		if in(names, p.word(j)) {
			days := (wd - int(p.today.Weekday()) + 7) % 7
			if days == 0 && next {
				days = 7
			}
			k := j + 1
			if in(p.dw.next, p.word(k)) { // "lunes próximo"
				if days == 0 {
					days = 7
				}
				k++
			}
			return p.today.AddDate(0, 0, days), k, true
		}
	}
	if next {
		return time.Time{}, i, false
	}
	// in 3 days / in two hours
	if in(p.dw.in, w) {
		if n, k, ok := p.nums.parse(i + 1); ok && n == float64(int(n)) {
			if days, ok := p.dw.dayUnits[p.word(k)]; ok {
				return p.today.AddDate(0, 0, int(n)*days), k + 1, true
			}
			if u, ok := p.dw.units[p.word(k)]; ok {
				return p.now.Add(time.Duration(n) * u).Truncate(time.Minute), k + 1, true
			}
		}
	}
	// 3 days ago / hace 3 días
	if n, k, ok := p.nums.parse(i); ok && n == float64(int(n)) {
		if days, ok := p.dw.dayUnits[p.word(k)]; ok && in(p.dw.ago, p.word(k+1)) {
			return p.today.AddDate(0, 0, -int(n)*days), k + 2, true
		}
	}
	if in(p.dw.ago, w) {
		if n, k, ok := p.nums.parse(i + 1); ok && n == float64(int(n)) {
			if days, ok := p.dw.dayUnits[p.word(k)]; ok {
				return p.today.AddDate(0, 0, -int(n)*days), k + 1, true
			}
		}
	}
	// december 1 [2026] / 1 december [2026] / 1st of december
	if mo := p.month(i); mo > 0 {
		if d, k, ok := p.dayOfMonth(i + 1); ok {
			return p.yearOf(mo, d, k)
		}
	}
	if d, k, ok := p.dayOfMonth(i); ok {
		if p.word(k) == "of" || p.word(k) == "de" || p.word(k) == "di" {
			k++
		}
		if mo := p.month(k); mo > 0 {
			return p.yearOf(mo, d, k+1)
		}
	}
	return time.Time{}, i, false
}

func (p *dateParser) month(i int) int {
	w := p.word(i)
	for m, names := range p.dw.months {
		if in(names, w) {
			return m + 1
		}
	}
	return 0
}

// dayOfMonth reads "1", "1st", "22nd", "3rd", "4th" or "1º".
func (p *dateParser) dayOfMonth(i int) (int, int, bool) {
	w := strings.TrimRight(p.word(i), "stndrhº")
	if w == "" || len(w) > 2 {
		return 0, i, false
	}
	d, err := strconv.Atoi(w)
	if err != nil || d < 1 || d > 31 {
		return 0, i, false
	}
	return d, i + 1, true
}

// yearOf completes a day and month with the year at token k, or with the
// year that makes the date today or later.
func (p *dateParser) yearOf(mo, d, k int) (time.Time, int, bool) {
	if y, err := strconv.Atoi(p.word(k)); err == nil && len(p.word(k)) == 4 {
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, p.today.Location())
		return t, k + 1, t.Day() == d
	}
	t := time.Date(p.today.Year(), time.Month(mo), d, 0, 0, 0, 0, p.today.Location())
	if t.Before(p.today) {
		t = t.AddDate(1, 0, 0)
	}
	return t, k, t.Day() == d
}

// clock reads a time of day at token i: "5pm", "5 pm", "17:30", "5:30 pm",
// "at 5", "noon", "midnight", "17h".
func (p *dateParser) clock(i int) (h, m, end int, ok bool) {
	at := false
	if in(p.dw.at, p.word(i)) {
		at, i = true, i+1
	}
	w := p.word(i)
	if w == "" {
		return 0, 0, i, false
	}
	if in(p.dw.noon, w) {
		return 12, 0, i + 1, true
	}
	if in(p.dw.midnight, w) {
		return 0, 0, i + 1, true
	}
	// "5pm", "17h", "5h30"
	digits := len(w) - len(strings.TrimLeft(w, "0123456789"))
	if digits == 0 || digits > 2 {
		return 0, 0, i, false
	}
	h, _ = strconv.Atoi(w[:digits])
	suffix := w[digits:]
	j := i + 1
	switch {
	case suffix == "h" || suffix == "uhr":
		if mm, err := strconv.Atoi(p.word(j)); err == nil && p.adjacent(i, "") {
			m, j = mm, j+1
		}
	case strings.HasPrefix(suffix, "h") && len(suffix) > 1:
		mm, err := strconv.Atoi(suffix[1:])
		if err != nil {
			return 0, 0, i, false
		}
		m = mm
	case suffix != "" && !in(p.dw.pm, suffix) && !in(p.dw.am, suffix):
		return 0, 0, i, false
	}
	colon := false
	if suffix == "" && p.adjacent(i, ":") {
		mw := p.word(j)
		mdig := len(mw) - len(strings.TrimLeft(mw, "0123456789"))
		if mdig != 2 {
			return 0, 0, i, false
		}
		m, _ = strconv.Atoi(mw[:2])
		suffix = mw[2:]
		j, colon = j+1, true
	}
	if suffix == "" && (in(p.dw.pm, p.word(j)) || in(p.dw.am, p.word(j))) && len(p.word(j)) > 1 {
		suffix = p.word(j)
		j++
	}
	if suffix == "uhr" || p.word(j) == "uhr" || p.word(j) == "h" || p.word(j) == "horas" || p.word(j) == "heures" {
		if p.word(j) != "" && !colon && suffix == "" {
			j++
		}
		suffix = ""
		at = true
	}
	switch {
	case in(p.dw.pm, suffix):
		if h < 1 || h > 12 {
			return 0, 0, i, false
		}
		h = h%12 + 12
	case in(p.dw.am, suffix):
		if h < 1 || h > 12 {
			return 0, 0, i, false
		}
		h %= 12
	case !colon && !at && !strings.HasPrefix(w[digits:], "h"):
		return 0, 0, i, false // a bare number is not a time
	}
	if h > 23 || m > 59 {
		return 0, 0, i, false
	}
	return h, m, j, true
}
