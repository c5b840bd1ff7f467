// Package runtime is the library that generated bots link against: it is for
// generated code, not for people. Its subpackages hold the WebSocket server
// (server), the wire codec (protocol), sessions and the state machine
// (engine), intent matching (nlu), reply encoders (reply), configuration
// (config), expression built-ins (builtin), run-time values (value), HTTP
// calls (fetch) and the conversation test runner (bottest). Main turns a compiled bot into the bot's command line.
package runtime
