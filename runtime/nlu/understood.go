package nlu

// Reaches reports whether s counts as understanding the message at
// nlp.intent_threshold: a positive score at or above the threshold (a
// threshold of 0 still wants a word in common). The engine applies it to
// the best score of a turn; botgen nlu explain and check apply it too, so
// that they say what the bot would do.
func (s Score) Reaches(threshold float64) bool {
	return s.Score > 0 && s.Score >= threshold
}
