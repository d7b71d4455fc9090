// FILL rectangles (encoding id encodingFill): one colour, payload R, G, B.
export default class FillDecoder {
  decodeRect(rect) {
    const [r, g, b] = rect.payload;
    return (display) => display.fillRect(rect.x, rect.y, rect.width, rect.height, r, g, b);
  }
}
