// Shared by the image decoders (png.js, jpeg.js): bytes -> ImageBitmap -> painter.
// createImageBitmap decodes off the main thread in Chromium; the painter draws synchronously
// so that the viewer can apply an update's rects in order once all are decoded.

export async function decodeImage(rect, mimeType) {
  const bitmap = await createImageBitmap(new Blob([rect.payload], { type: mimeType }));
  return (display) => {
    display.drawImage(bitmap, rect.x, rect.y);
    bitmap.close();
  };
}
