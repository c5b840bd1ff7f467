package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir and
// returns their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "botgen test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestTLS serves a bot over wss:// and https:// with tls.cert and tls.key,
// and checks the errors of a half or wrong TLS setting.
func TestTLS(t *testing.T) {
	bin := buildExample(t, "greetings")
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	s := serve(t, bin, "--set", "tls.cert="+certFile, "--set", "tls.key="+keyFile)
	if !strings.HasPrefix(s.url, "wss://127.0.0.1:") {
		t.Fatalf("serving on %s, want wss://", s.url)
	}
	tlsCfg := &tls.Config{RootCAs: pool}
	dialer := websocket.Dialer{TLSClientConfig: tlsCfg, HandshakeTimeout: 10 * time.Second}
	ws, _, err := dialer.Dial(s.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]string{"action": "user_message", "message": "hello"})
	var f struct{ Action, Message string }
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.ReadJSON(&f); err != nil || f.Message != "Hi! How are you?" {
		t.Errorf("over wss: %+v, %v", f, err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg}, Timeout: 10 * time.Second}
	resp, err := client.Get("https" + strings.TrimPrefix(s.url, "wss") + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Errorf("https healthz: %q", body)
	}
	// Plain ws:// is not served on a TLS port.
	if ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(s.url, "wss"), nil); err == nil {
		ws.Close()
		t.Error("a plain ws:// connection was accepted on the TLS port")
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--set", "tls.cert=" + certFile}, "config keys tls.cert and tls.key go together"},
		{[]string{"--set", "tls.cert=" + certFile, "--set", "tls.key=" + certFile}, "config keys tls.cert and tls.key: tls: "},
		{[]string{"--set", "tls.cert=" + filepath.Join(dir, "none.pem"), "--set", "tls.key=" + keyFile}, "no such file or directory"},
	} {
		out, err := exec.Command(bin, append([]string{"--port", "0"}, c.args...)...).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), c.want) {
			t.Errorf("%v: %v\n%s\nwant exit 1 with %q", c.args, err, out, c.want)
		}
	}
}
