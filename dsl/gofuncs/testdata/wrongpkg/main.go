package main

func hello() string { return "hello" }
