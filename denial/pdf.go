package denial

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ErrNoPDFTool is returned when a PDF must be read and poppler's pdftotext
// is not installed (Debian: apt-get install poppler-utils).
var ErrNoPDFTool = errors.New("pdftotext (poppler-utils) is not installed")

// LetterText returns the text of the letter in the file at path: the file
// itself when it is text, or the text pdftotext extracts when it is a PDF
// (recognised by its %PDF- header, not by its name).
func LetterText(ctx context.Context, path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if !bytes.HasPrefix(bytes.TrimLeft(b, "\x00\t\r\n "), []byte("%PDF-")) {
		return string(b), nil
	}
	return PDFText(ctx, path)
}

// PDFText extracts the text of the PDF at path with pdftotext, in reading
// order (not the physical layout, which would break sentences across
// columns). A PDF made of scanned images has no text: the result is then
// empty, and the caller should say that OCR is needed.
func PDFText(ctx context.Context, path string) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", ErrNoPDFTool
	}
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", "-eol", "unix", "-q", path, "-")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("pdftotext %s: %s", path, msg)
	}
	return out.String(), nil
}
