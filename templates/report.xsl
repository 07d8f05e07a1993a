<?xml version="1.0" encoding="UTF-8"?>
<!--
  report.xsl - renders a bundle's evidence.xml as report.html: one
  self-contained page (inline CSS, no script, no external request) with
  the verdict and the reasons first, then every check with its findings
  and the evidence behind them, then the files of the bundle. Applied by
  fipsev with libxslt; any XSLT 1.0 processor gives the same page:
    xsltproc report.xsl evidence.xml > report.html
  Every string from the evidence is output as text, so the processor
  escapes it.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:e="urn:fipsev:evidence:1"
    exclude-result-prefixes="e">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <xsl:key name="check" match="e:check" use="@id"/>

  <xsl:template match="/e:evidence">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <!-- The page may load nothing at all: no script, image or font. -->
        <meta http-equiv="Content-Security-Policy"
            content="default-src 'none'; style-src 'unsafe-inline'"/>
        <title>FIPS evidence, run <xsl:value-of select="e:run/@id"/></title>
        <style>
          body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #111; padding: 0 1em; }
          h1 { font-size: 1.6em; margin-bottom: .2em; }
          .verdict { font-size: 2em; font-weight: 700; padding: .3em .6em; display: inline-block; border-radius: .2em; }
          .compliant { background: #d8f5d8; color: #0a5a0a; }
          .noncompliant { background: #fbdada; color: #8a0d0d; }
          table { border-collapse: collapse; width: 100%; margin: .6em 0 1.2em; }
          th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
          th { background: #f2f2f2; }
          td { overflow-wrap: anywhere; }
          .pass { color: #0a5a0a; }
          .fail { color: #8a0d0d; font-weight: 700; }
          .missing-evidence { color: #8a4b00; font-weight: 700; }
          .not-applicable { color: #555; }
          .meta { color: #444; }
          code { font-size: .85em; }
          section { page-break-inside: avoid; }
          @media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
        </style>
      </head>
      <body>
        <h1>FIPS 140 evidence</h1>
        <p class="meta">Run <xsl:value-of select="e:run/@id"/>, collected on
          <xsl:value-of select="e:run/@host"/> from <xsl:value-of select="e:run/@started"/>
          to <xsl:value-of select="e:run/@finished"/> by fipsev <xsl:value-of select="e:run/@tool-version"/>.</p>
        <p>
          <span class="verdict {e:summary/@verdict}" id="verdict">
            <xsl:choose>
              <xsl:when test="e:summary/@verdict = 'compliant'">COMPLIANT</xsl:when>
              <xsl:otherwise>NOT COMPLIANT</xsl:otherwise>
            </xsl:choose>
          </span>
        </p>
        <p>
          <xsl:value-of select="e:summary/@fail"/> failed,
          <xsl:value-of select="e:summary/@missing-evidence"/> without evidence,
          <xsl:value-of select="e:summary/@pass"/> passed,
          <xsl:value-of select="e:summary/@not-applicable"/> not applicable;
          <xsl:value-of select="e:summary/@nodes"/> nodes,
          <xsl:value-of select="e:summary/@endpoints"/> TLS endpoints.
        </p>

        <h2 id="reasons">Why</h2>
        <xsl:variable name="bad" select="e:findings/e:finding[@result = 'fail' or @result = 'missing-evidence']"/>
        <xsl:choose>
          <xsl:when test="count($bad) = 0">
            <p>Every check that applies passed.</p>
          </xsl:when>
          <xsl:otherwise>
            <table>
              <tr><th>severity</th><th>check</th><th>subject</th><th>result</th><th>reason</th></tr>
              <xsl:for-each select="$bad">
                <!-- high, then medium, then low -->
                <xsl:sort select="(key('check', @check)/@severity = 'high') * 1 +
                    (key('check', @check)/@severity = 'medium') * 2 +
                    (key('check', @check)/@severity = 'low') * 3"
                    data-type="number"/>
                <tr>
                  <td><xsl:value-of select="key('check', @check)/@severity"/></td>
                  <td><a href="#{@check}"><xsl:value-of select="@check"/></a></td>
                  <td><xsl:value-of select="@subject"/></td>
                  <td class="{@result}"><xsl:value-of select="@result"/></td>
                  <td><xsl:value-of select="e:reason"/></td>
                </tr>
              </xsl:for-each>
            </table>
          </xsl:otherwise>
        </xsl:choose>

        <h2 id="since">Since the last run</h2>
        <xsl:choose>
          <xsl:when test="not(e:since-last-run)"><p>This is the first run in the store.</p></xsl:when>
          <xsl:when test="count(e:since-last-run/e:change) = 0">
            <p>Nothing changed since run <xsl:value-of select="e:since-last-run/@previous-run"/>.</p>
          </xsl:when>
          <xsl:otherwise>
            <p><xsl:value-of select="count(e:since-last-run/e:change)"/> changes since run
              <xsl:value-of select="e:since-last-run/@previous-run"/>.</p>
            <table>
              <tr><th>what</th><th>subject</th><th>change</th><th>from</th><th>to</th></tr>
              <xsl:for-each select="e:since-last-run/e:change">
                <tr>
                  <td><xsl:value-of select="@kind"/><xsl:if test="@field != '-'">: <xsl:value-of select="@field"/></xsl:if></td>
                  <td><xsl:value-of select="@subject"/></td>
                  <td><xsl:value-of select="@change"/></td>
                  <td><xsl:value-of select="@from"/></td>
                  <td><xsl:value-of select="@to"/></td>
                </tr>
              </xsl:for-each>
            </table>
          </xsl:otherwise>
        </xsl:choose>

        <xsl:if test="count(e:history/e:run) &gt; 1">
          <h2 id="over-time">Findings over time</h2>
          <xsl:variable name="max">
            <xsl:for-each select="e:history/e:run">
              <xsl:sort select="@pass + @fail + @missing-evidence" data-type="number" order="descending"/>
              <xsl:if test="position() = 1"><xsl:value-of select="@pass + @fail + @missing-evidence"/></xsl:if>
            </xsl:for-each>
          </xsl:variable>
          <xsl:variable name="n" select="count(e:history/e:run)"/>
          <svg xmlns="http://www.w3.org/2000/svg" width="{$n * 24 + 40}" height="190"
              role="img" aria-label="passed, failed and missing findings per run">
            <xsl:for-each select="e:history/e:run">
              <xsl:variable name="x" select="(position() - 1) * 24 + 30"/>
              <xsl:variable name="k" select="150 div ($max + 0.0001)"/>
              <xsl:variable name="hp" select="@pass * $k"/>
              <xsl:variable name="hf" select="@fail * $k"/>
              <xsl:variable name="hm" select="@missing-evidence * $k"/>
              <rect x="{$x}" y="{160 - $hp}" width="18" height="{$hp}" fill="#6cbf6c"><title>run <xsl:value-of select="@id"/>: <xsl:value-of select="@pass"/> passed</title></rect>
              <rect x="{$x}" y="{160 - $hp - $hf}" width="18" height="{$hf}" fill="#d05050"><title>run <xsl:value-of select="@id"/>: <xsl:value-of select="@fail"/> failed</title></rect>
              <rect x="{$x}" y="{160 - $hp - $hf - $hm}" width="18" height="{$hm}" fill="#e0a030"><title>run <xsl:value-of select="@id"/>: <xsl:value-of select="@missing-evidence"/> without evidence</title></rect>
              <text x="{$x + 9}" y="178" font-size="10" text-anchor="middle"><xsl:value-of select="@id"/></text>
            </xsl:for-each>
            <text x="22" y="14" font-size="10" text-anchor="end"><xsl:value-of select="$max"/></text>
            <text x="22" y="160" font-size="10" text-anchor="end">0</text>
            <line x1="26" y1="160" x2="{$n * 24 + 30}" y2="160" stroke="#444"/>
          </svg>
          <p class="meta">Per run: passed (green), failed (red), without evidence (orange).</p>
        </xsl:if>

        <h2 id="modules">Modules and components</h2>
        <xsl:variable name="mods" select="e:findings/e:finding[@check = 'FIPS-MODULES' and @result != 'not-applicable']"/>
        <xsl:choose>
          <xsl:when test="count($mods) = 0"><p>No module inventory in this run.</p></xsl:when>
          <xsl:otherwise>
            <table>
              <tr><th>module, component and where seen</th><th>supported in FIPS mode</th></tr>
              <xsl:for-each select="$mods">
                <tr>
                  <td><xsl:value-of select="@subject"/></td>
                  <td class="{@result}"><xsl:value-of select="@result"/></td>
                </tr>
              </xsl:for-each>
            </table>
          </xsl:otherwise>
        </xsl:choose>

        <h2 id="checks">Checks</h2>
        <xsl:for-each select="e:checks/e:check">
          <xsl:variable name="id" select="@id"/>
          <section id="{@id}">
            <h3><xsl:value-of select="@id"/>: <xsl:value-of select="e:title"/></h3>
            <p class="meta">Severity <xsl:value-of select="@severity"/>; NIST SP 800-53:
              <xsl:for-each select="e:nist"><xsl:value-of select="."/><xsl:if test="position() != last()">, </xsl:if></xsl:for-each>.
              <xsl:value-of select="e:rationale"/></p>
            <table>
              <tr><th>subject</th><th>result</th><th>reason</th><th>evidence</th></tr>
              <xsl:for-each select="/e:evidence/e:findings/e:finding[@check = $id]">
                <tr>
                  <td><xsl:value-of select="@subject"/></td>
                  <td class="{@result}"><xsl:value-of select="@result"/></td>
                  <td><xsl:value-of select="e:reason"/></td>
                  <td><xsl:for-each select="e:evidence">
                    <code><xsl:value-of select="@collector"/>
                      <xsl:text> </xsl:text><xsl:value-of select="substring(@sha256, 1, 12)"/></code>
                    <xsl:text> </xsl:text>
                  </xsl:for-each></td>
                </tr>
              </xsl:for-each>
            </table>
          </section>
        </xsl:for-each>

        <h2 id="files">Files of this bundle</h2>
        <table>
          <tr><th>file</th><th>SHA-256</th></tr>
          <xsl:for-each select="e:files/e:file">
            <tr><td><xsl:value-of select="@path"/></td><td><code><xsl:value-of select="@sha256"/></code></td></tr>
          </xsl:for-each>
        </table>
        <p class="meta">Check this bundle with <code>fipsev verify</code>, or
          <code>sha256sum -c MANIFEST.sha256</code> and <code>openssl cms -verify</code>
          on MANIFEST.sha256.sig.</p>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
