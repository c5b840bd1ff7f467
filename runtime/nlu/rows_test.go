package nlu

import (
	"reflect"
	"testing"
)

func TestIntentsFrom(t *testing.T) {
	got := IntentsFrom([]Labelled{
		{"turn on the {light}", "lights"}, {"hello", "greet"}, {"lights off", "lights"},
	})
	want := []Intent{
		{Name: "lights", Sentences: []string{"turn on the (light)", "lights off"}},
		{Name: "greet", Sentences: []string{"hello"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
