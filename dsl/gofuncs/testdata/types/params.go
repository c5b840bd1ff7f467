package main

import (
	"context"
	"time"
)

// Celsius is a temperature.
type Celsius float64

// City names a city.
type City string

// allBasic takes one parameter of every basic type a bot can pass.
func allBasic(s string, b bool, i int, i8 int8, i16 int16, i32 int32, i64 int64,
	u uint, u8 uint8, u16 uint16, u32 uint32, u64 uint64, f32 float32, f64 float64) string {
	return s
}

// named takes types defined on basic ones, here and in another package.
func named(c City, t Celsius, d time.Duration, r rune, by byte) {}

// withContext gets its context from the bot.
func withContext(ctx context.Context, city string) error { return ctx.Err() }

func unsupported(ch chan int, p *int, xs []string, m map[string]int, c complex128, up uintptr, fn func(), s struct{}) {
}

func contextLater(city string, ctx context.Context) {}

func variadic(format string, args ...any) string { return format }

func unnamed(string, int) {}

func generic[T any](x T) T { return x }

func twoValues() (int, string) { return 0, "" }

func threeResults() (int, string, error) { return 0, "", nil }

func onlyError() error { return nil }

func nothing() {}
