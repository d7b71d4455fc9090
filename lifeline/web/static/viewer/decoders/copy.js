// COPY rectangles (encoding id encodingCopy): move pixels already on the canvas (scrolling).
import { copySource } from "../frames.js";

export default class CopyDecoder {
  decodeRect(rect) {
    const src = copySource(rect);
    return (display) => display.copyRect(src.x, src.y, rect.x, rect.y, rect.width, rect.height);
  }
}
