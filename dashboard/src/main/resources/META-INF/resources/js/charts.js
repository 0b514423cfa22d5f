// Apache ECharts, served from its mvnpm jar by the dashboard itself (no CDN). Every chart gets the colour-blind-safe
// palette, ECharts' generated aria description, no animation (steady screenshots) and follows its box's size.
import * as echarts from '/_static/echarts/5.6.0/dist/echarts.esm.min.js';
import { SERIES } from './logic/palette.js';

export function chart(element, option) {
  const instance = echarts.getInstanceByDom(element) ?? echarts.init(element, null, { renderer: 'canvas' });
  instance.setOption({ color: SERIES, aria: { enabled: true }, animation: false,
    textStyle: { color: '#1a1a1a' }, ...option }, true);
  if (!element.dataset.observed) {
    element.dataset.observed = 'true';
    new ResizeObserver(() => instance.resize()).observe(element);
  }
  element.dataset.rendered = 'true';
  return instance;
}
