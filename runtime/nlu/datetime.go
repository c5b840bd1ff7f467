package nlu

import (
	"slices"
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

// dateForm reads one way of writing a date at token i, whose word is w: the
// date, the token after it, and whether it is written that way there.
type dateForm func(p *dateParser, i int, w string) (time.Time, int, bool)

// date reads a date at token i: the first of the forms below that reads
// one.
func (p *dateParser) date(i int) (time.Time, int, bool) {
	w := p.word(i)
	if w == "" {
		return time.Time{}, i, false
	}
	for _, form := range [...]dateForm{
		(*dateParser).isoDate,     // 2026-12-01
		(*dateParser).relativeDay, // tomorrow
		(*dateParser).article,     // on monday, the 1st of december
		(*dateParser).weekday,     // monday, next monday, lunes próximo
		(*dateParser).inAmount,    // in 3 days, in two hours
		(*dateParser).amountAgo,   // 3 days ago
		(*dateParser).agoAmount,   // hace 3 días
		(*dateParser).monthDay,    // december 1 [2026]
		(*dateParser).dayMonth,    // 1 december [2026], 1st of december
	} {
		if t, j, ok := form(p, i, w); ok {
			return t, j, true
		}
	}
	return time.Time{}, i, false
}

func (p *dateParser) isoDate(i int, w string) (time.Time, int, bool) {
	if len(w) != 4 || !p.adjacent(i, "-") || !p.adjacent(i+1, "-") {
		return time.Time{}, i, false
	}
	t, err := time.ParseInLocation(time.DateOnly, w+"-"+p.word(i+1)+"-"+p.word(i+2), p.today.Location())
	return t, i + 3, err == nil
}

func (p *dateParser) relativeDay(i int, w string) (time.Time, int, bool) {
	off, ok := p.dw.days[w]
	if !ok {
		return time.Time{}, i, false
	}
	return p.today.AddDate(0, 0, off), i + 1, true
}

// article reads a date after a word that may stand before one.
func (p *dateParser) article(i int, w string) (time.Time, int, bool) {
	switch w {
	case "the", "on", "el", "le", "am", "il", "o":
		if t, j, ok := p.date(i + 1); ok && j > i+1 {
			return t, j, true
		}
	}
	return time.Time{}, i, false
}

// weekday reads a weekday, the next one (today's is today, unless said
// "next"), after or before "next".
func (p *dateParser) weekday(i int, w string) (time.Time, int, bool) {
	next := in(p.dw.next, w)
	j := i
	if next {
		j++
	}
	wd := slices.IndexFunc(p.dw.weekdays[:], func(names []string) bool { return in(names, p.word(j)) })
	if wd < 0 {
		return time.Time{}, i, false
	}
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

// inAmount reads an amount of time from now: days and weeks from today,
// hours and minutes from the current minute.
func (p *dateParser) inAmount(i int, w string) (time.Time, int, bool) {
	if !in(p.dw.in, w) {
		return time.Time{}, i, false
	}
	n, k, ok := p.count(i + 1)
	if !ok {
		return time.Time{}, i, false
	}
	if days, ok := p.dw.dayUnits[p.word(k)]; ok {
		return p.today.AddDate(0, 0, n*days), k + 1, true
	}
	if u, ok := p.dw.units[p.word(k)]; ok {
		return p.now.Add(time.Duration(n) * u).Truncate(time.Minute), k + 1, true
	}
	return time.Time{}, i, false
}

// amountAgo reads days or weeks before today, "ago" after them.
func (p *dateParser) amountAgo(i int, _ string) (time.Time, int, bool) {
	n, k, ok := p.count(i)
	if !ok {
		return time.Time{}, i, false
	}
	if days, ok := p.dw.dayUnits[p.word(k)]; ok && in(p.dw.ago, p.word(k+1)) {
		return p.today.AddDate(0, 0, -n*days), k + 2, true
	}
	return time.Time{}, i, false
}

// agoAmount reads days or weeks before today, "ago" before them.
func (p *dateParser) agoAmount(i int, w string) (time.Time, int, bool) {
	if !in(p.dw.ago, w) {
		return time.Time{}, i, false
	}
	n, k, ok := p.count(i + 1)
	if !ok {
		return time.Time{}, i, false
	}
	if days, ok := p.dw.dayUnits[p.word(k)]; ok {
		return p.today.AddDate(0, 0, -n*days), k + 1, true
	}
	return time.Time{}, i, false
}

// count reads a whole number at token i.
func (p *dateParser) count(i int) (int, int, bool) {
	n, k, ok := p.nums.parse(i)
	if !ok || n != float64(int(n)) {
		return 0, i, false
	}
	return int(n), k, true
}

func (p *dateParser) monthDay(i int, _ string) (time.Time, int, bool) {
	if mo := p.month(i); mo > 0 {
		if d, k, ok := p.dayOfMonth(i + 1); ok {
			return p.yearOf(mo, d, k)
		}
	}
	return time.Time{}, i, false
}

func (p *dateParser) dayMonth(i int, _ string) (time.Time, int, bool) {
	d, k, ok := p.dayOfMonth(i)
	if !ok {
		return time.Time{}, i, false
	}
	if w := p.word(k); w == "of" || w == "de" || w == "di" {
		k++
	}
	if mo := p.month(k); mo > 0 {
		return p.yearOf(mo, d, k+1)
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
// "at 5", "noon", "midnight", "17h". A time in digits is read in the steps
// below, each of which may find it is not one.
func (p *dateParser) clock(i int) (h, m, end int, ok bool) {
	at := false
	if in(p.dw.at, p.word(i)) {
		at, i = true, i+1
	}
	w := p.word(i)
	switch {
	case w == "":
		return 0, 0, i, false
	case in(p.dw.noon, w):
		return 12, 0, i + 1, true
	case in(p.dw.midnight, w):
		return 0, 0, i + 1, true
	}
	c := clockReading{i: i, j: i + 1, w: w, at: at}
	for _, step := range [...]func(*dateParser, *clockReading) bool{
		(*dateParser).clockHour,     // 5, 17h, 5pm, 5h30
		(*dateParser).clockMinutes,  // :30, :30pm
		(*dateParser).clockMeridiem, // 5 pm
		(*dateParser).clockHours,    // 17 uhr, 17 h
		(*dateParser).clockHalf,     // pm and am make the hour, a bare number is no time
	} {
		if !step(p, &c) {
			return 0, 0, i, false
		}
	}
	if c.h > 23 || c.m > 59 {
		return 0, 0, i, false
	}
	return c.h, c.m, c.j, true
}

// clockReading is a time of day being read by clock's steps.
type clockReading struct {
	i, j   int    // the hour's token; the token after what was read
	w      string // the hour's word
	digits int    // the digits the hour's word starts with
	h, m   int
	suffix string // what follows the hour or the minutes: "pm", "h", "uhr"
	at     bool   // said as a time: after "at", or in hours ("17h", "17 uhr")
	colon  bool   // the minutes follow a colon
}

// clockHour reads the hour's one or two digits and what follows them in the
// word: "h" or "uhr" (the minutes may follow), "h30", "pm" or "am".
func (p *dateParser) clockHour(c *clockReading) bool {
	c.digits = len(c.w) - len(strings.TrimLeft(c.w, "0123456789"))
	if c.digits == 0 || c.digits > 2 {
		return false
	}
	c.h, _ = strconv.Atoi(c.w[:c.digits])
	c.suffix = c.w[c.digits:]
	switch {
	case c.suffix == "h" || c.suffix == "uhr":
		if mm, err := strconv.Atoi(p.word(c.j)); err == nil && p.adjacent(c.i, "") {
			c.m, c.j = mm, c.j+1
		}
	case strings.HasPrefix(c.suffix, "h") && len(c.suffix) > 1:
		mm, err := strconv.Atoi(c.suffix[1:])
		if err != nil {
			return false
		}
		c.m = mm
	case c.suffix != "" && !in(p.dw.pm, c.suffix) && !in(p.dw.am, c.suffix):
		return false
	}
	return true
}

// clockMinutes reads two digits of minutes after a colon, and what follows
// them in their word.
func (p *dateParser) clockMinutes(c *clockReading) bool {
	if c.suffix != "" || !p.adjacent(c.i, ":") {
		return true
	}
	mw := p.word(c.j)
	if len(mw)-len(strings.TrimLeft(mw, "0123456789")) != 2 {
		return false
	}
	c.m, _ = strconv.Atoi(mw[:2])
	c.suffix = mw[2:]
	c.j, c.colon = c.j+1, true
	return true
}

// clockMeridiem reads "pm" or "am" as a word of its own.
func (p *dateParser) clockMeridiem(c *clockReading) bool {
	if w := p.word(c.j); c.suffix == "" && (in(p.dw.pm, w) || in(p.dw.am, w)) && len(w) > 1 {
		c.suffix = w
		c.j++
	}
	return true
}

// clockHours reads a word that says hours: "uhr", "h", "horas", "heures".
func (p *dateParser) clockHours(c *clockReading) bool {
	switch w := p.word(c.j); {
	case c.suffix == "uhr", w == "uhr", w == "h", w == "horas", w == "heures":
		if w != "" && !c.colon && c.suffix == "" {
			c.j++
		}
		c.suffix = ""
		c.at = true
	}
	return true
}

// clockHalf makes a pm or am hour of the day; without them, a number is a
// time only when said as one.
func (p *dateParser) clockHalf(c *clockReading) bool {
	switch {
	case in(p.dw.pm, c.suffix):
		if c.h < 1 || c.h > 12 {
			return false
		}
		c.h = c.h%12 + 12
	case in(p.dw.am, c.suffix):
		if c.h < 1 || c.h > 12 {
			return false
		}
		c.h %= 12
	case !c.colon && !c.at && !strings.HasPrefix(c.w[c.digits:], "h"):
		return false // a bare number is not a time
	}
	return true
}
