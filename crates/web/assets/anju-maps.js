// A map of points over the county outlines (/assets/counties.json), drawn by ECharts without
// tiles or internet: the planning pages' maps. Points are [lon, lat, name, estate id, …]; the map
// is framed on `frame` (the points that matter), a click on a point of a series opens the
// estate's needs page. `extra` is merged into the options (a visualMap, say).
var anjuPointMap = (function(){
  var outline = null;
  function counties() {
    if (!outline) {
      outline = fetch('/assets/counties.json').then(function(r){return r.json()}).then(function(o){
        echarts.registerMap('counties', o);
      });
    }
    return outline;
  }
  return function(id, title, series, frame, extra) {
    var chart = echarts.init(document.getElementById(id));
    counties().then(function(){
      var geo = {map:'counties', roam:true, top:40, bottom:10, itemStyle:{areaColor:'#f3f4f6', borderColor:'#9ca3af'}};
      if (frame.length) {
        var xs = frame.map(function(p){return p[0]}), ys = frame.map(function(p){return p[1]}), pad = 0.02;
        geo.boundingCoords = [[Math.min.apply(null, xs) - pad, Math.max.apply(null, ys) + pad], [Math.max.apply(null, xs) + pad, Math.min.apply(null, ys) - pad]];
      }
      var option = {animation:false, title:{text:title, left:8, top:6, textStyle:{fontSize:14}},
        tooltip:{formatter:function(p){return p.data ? p.data[2] : p.name}}, geo:geo,
        series:series.map(function(s){ return Object.assign({type:'scatter', coordinateSystem:'geo'}, s); })};
      chart.setOption(Object.assign(option, extra || {}));
    });
    chart.on('click', function(p){ if (p.seriesType === 'scatter' && p.data && p.data[3]) { location.href = '/estates/' + p.data[3] + '/needs'; } });
    window.addEventListener('resize', function(){ chart.resize(); });
    return chart;
  };
})();
