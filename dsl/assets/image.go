package assets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // decoders for reply image
	"image/jpeg"
	_ "image/png"
)

// decodeImage decodes a PNG, JPEG or GIF image of a bounded size. It is all
// the checking an image gets: what it decodes, toJPEG can encode.
func decodeImage(data []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a PNG, JPEG or GIF image")
	}
	if cfg.Width*cfg.Height > 50_000_000 || cfg.Width > 20000 || cfg.Height > 20000 {
		return nil, fmt.Errorf("image too large (%dx%d)", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("cannot decode: %v", err)
	}
	return img, nil
}

// toJPEG encodes a decoded image as JPEG, over a white background since
// JPEG has no transparency.
func toJPEG(img image.Image) ([]byte, error) {
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Over)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, rgba, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
