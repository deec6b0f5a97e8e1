/**
 * QGIS styles (.qml) that colour the layers as map.svg does: each feature is filled with its
 * `fill` attribute (the station's colour from makeStationFills: strong for merged stations, light
 * for single committees), stations outlined in dark grey, committees in white.
 */
import { escapeXml } from '../xml.js';

function symbolQml(outline: string, widthMm: number, opacity: number): string {
  return `<symbol type="fill" name="0" alpha="${opacity}" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" pass="0" locked="0">
          <Option type="Map">
            <Option name="color" type="QString" value="200,200,200,255"/>
            <Option name="outline_color" type="QString" value="${outline}"/>
            <Option name="outline_style" type="QString" value="solid"/>
            <Option name="outline_width" type="QString" value="${widthMm}"/>
            <Option name="outline_width_unit" type="QString" value="MM"/>
            <Option name="joinstyle" type="QString" value="round"/>
            <Option name="style" type="QString" value="solid"/>
          </Option>
          <data_defined_properties>
            <Option type="Map">
              <Option name="name" type="QString" value=""/>
              <Option name="properties" type="Map">
                <Option name="fillColor" type="Map">
                  <Option name="active" type="bool" value="true"/>
                  <Option name="field" type="QString" value="fill"/>
                  <Option name="type" type="int" value="2"/>
                </Option>
              </Option>
              <Option name="type" type="QString" value="collection"/>
            </Option>
          </data_defined_properties>
        </layer>
      </symbol>`;
}

/** The style of the stations layer (`kind` 'stations') or the committees layer ('committees'). */
export function makeQgisStyle(kind: 'stations' | 'committees'): string {
  const symbol = kind === 'stations' ? symbolQml('38,38,38,255', 0.5, 1) : symbolQml('255,255,255,255', 0.2, 1);
  const label = kind === 'stations' ? 'label' : 'name';
  return `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0" styleCategories="Symbology|Labeling">
  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
    <symbols>
      ${symbol}
    </symbols>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="${escapeXml(label)}" isExpression="0" fontFamily="Noto Sans CJK SC" fontSize="8" fontSizeUnit="Point" textColor="26,26,26,255" textOpacity="1">
        <text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.9"/>
      </text-style>
      <placement placement="1"/>
      <rendering fontMinPixelSize="3" obstacle="1" scaleVisibility="0"/>
    </settings>
  </labeling>
  <layerGeometryType>2</layerGeometryType>
</qgis>
`;
}
